"""Contains all the data models used in inputs/outputs.

Each model's module is imported the first time its name is used (module ``__getattr__``), so that
importing one model, or the package, does not import all of them. This file comes from the
project's template ``openapi/templates/models_init.py.jinja``.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .async_process_output import AsyncProcessOutput
    from .async_process_request import AsyncProcessRequest
    from .async_status import AsyncStatus
    from .batch_cog_parameters import BatchCogParameters
    from .batch_collection import BatchCollection
    from .batch_collection_additional_data import BatchCollectionAdditionalData
    from .batch_collection_additional_data_bands import (
        BatchCollectionAdditionalDataBands,
    )
    from .batch_collection_batch_data import BatchCollectionBatchData
    from .batch_collection_envelope import BatchCollectionEnvelope
    from .batch_collection_page import BatchCollectionPage
    from .batch_output import BatchOutput
    from .batch_output_path import BatchOutputPath
    from .batch_process_request_body import BatchProcessRequestBody
    from .batch_process_request_body_output import BatchProcessRequestBodyOutput
    from .batch_request import BatchRequest
    from .batch_request_page import BatchRequestPage
    from .batch_request_status import BatchRequestStatus
    from .batch_request_update import BatchRequestUpdate
    from .batch_tile import BatchTile
    from .batch_tile_origin import BatchTileOrigin
    from .batch_tile_page import BatchTilePage
    from .batch_tile_status import BatchTileStatus
    from .batch_user_action import BatchUserAction
    from .batch_v2_cog_parameters import BatchV2CogParameters
    from .batch_v2_geopackage_defaults import BatchV2GeopackageDefaults
    from .batch_v2_geopackage_input import BatchV2GeopackageInput
    from .batch_v2_geopackage_input_type import BatchV2GeopackageInputType
    from .batch_v2_instance_type import BatchV2InstanceType
    from .batch_v2_process_body import BatchV2ProcessBody
    from .batch_v2_process_body_output import BatchV2ProcessBodyOutput
    from .batch_v2_process_input import BatchV2ProcessInput
    from .batch_v2_process_request import BatchV2ProcessRequest
    from .batch_v2_raster_output import BatchV2RasterOutput
    from .batch_v2_raster_output_type import BatchV2RasterOutputType
    from .batch_v2_request import BatchV2Request
    from .batch_v2_request_status import BatchV2RequestStatus
    from .batch_v2_request_update import BatchV2RequestUpdate
    from .batch_v2_requests_page import BatchV2RequestsPage
    from .batch_v2_stopped_status_reason import BatchV2StoppedStatusReason
    from .batch_v2_tiling_grid import BatchV2TilingGrid
    from .batch_v2_tiling_grid_input import BatchV2TilingGridInput
    from .batch_v2_tiling_grid_input_type import BatchV2TilingGridInputType
    from .batch_v2_tiling_grid_properties import BatchV2TilingGridProperties
    from .batch_v2_tiling_grids_page import BatchV2TilingGridsPage
    from .batch_v2_user_action import BatchV2UserAction
    from .batch_v2_zarr_array_parameters import BatchV2ZarrArrayParameters
    from .batch_v2_zarr_array_parameters_compressor import (
        BatchV2ZarrArrayParametersCompressor,
    )
    from .batch_v2_zarr_array_parameters_custom_attributes import (
        BatchV2ZarrArrayParametersCustomAttributes,
    )
    from .batch_v2_zarr_group import BatchV2ZarrGroup
    from .batch_v2_zarr_group_coordinates import BatchV2ZarrGroupCoordinates
    from .batch_v2_zarr_group_custom_attributes import BatchV2ZarrGroupCustomAttributes
    from .batch_v2_zarr_output import BatchV2ZarrOutput
    from .batch_v2_zarr_output_array_overrides import BatchV2ZarrOutputArrayOverrides
    from .batch_v2_zarr_output_type import BatchV2ZarrOutputType
    from .batch_zarr_output import BatchZarrOutput
    from .batch_zarr_output_array_overrides import BatchZarrOutputArrayOverrides
    from .batch_zarr_output_group import BatchZarrOutputGroup
    from .bounds_properties import BoundsProperties
    from .byoc_band import ByocBand
    from .byoc_collection import ByocCollection
    from .byoc_collection_additional_data import ByocCollectionAdditionalData
    from .byoc_collection_additional_data_bands import ByocCollectionAdditionalDataBands
    from .byoc_collection_envelope import ByocCollectionEnvelope
    from .byoc_collection_page import ByocCollectionPage
    from .byoc_collection_update import ByocCollectionUpdate
    from .byoc_sample_format import ByocSampleFormat
    from .byoc_sensing_times import ByocSensingTimes
    from .byoc_tile import ByocTile
    from .byoc_tile_additional_data import ByocTileAdditionalData
    from .byoc_tile_envelope import ByocTileEnvelope
    from .byoc_tile_page import ByocTilePage
    from .byoc_tile_status import ByocTileStatus
    from .byoc_tile_update import ByocTileUpdate
    from .catalog_queryables_response_200 import CatalogQueryablesResponse200
    from .data_filter import DataFilter
    from .data_processing import DataProcessing
    from .data_processing_speckle_filter import DataProcessingSpeckleFilter
    from .error_body import ErrorBody
    from .error_body_errors_type_1 import ErrorBodyErrorsType1
    from .error_envelope import ErrorEnvelope
    from .error_violation import ErrorViolation
    from .gcs_location import GcsLocation
    from .geo_json_crs import GeoJsonCrs
    from .geo_json_crs_properties import GeoJsonCrsProperties
    from .get_byoc_collection_tiles_sort import GetByocCollectionTilesSort
    from .multi_polygon import MultiPolygon
    from .multi_polygon_type import MultiPolygonType
    from .object_storage import ObjectStorage
    from .output_format import OutputFormat
    from .output_response import OutputResponse
    from .page_links import PageLinks
    from .polygon import Polygon
    from .polygon_type import PolygonType
    from .process_bounds import ProcessBounds
    from .process_input import ProcessInput
    from .process_input_data import ProcessInputData
    from .process_output import ProcessOutput
    from .process_request import ProcessRequest
    from .s3_location import S3Location
    from .stac_collection import StacCollection
    from .stac_collection_summaries import StacCollectionSummaries
    from .stac_collections import StacCollections
    from .stac_conformance import StacConformance
    from .stac_extent import StacExtent
    from .stac_extent_spatial import StacExtentSpatial
    from .stac_extent_temporal import StacExtentTemporal
    from .stac_fields import StacFields
    from .stac_geometry import StacGeometry
    from .stac_item import StacItem
    from .stac_item_assets import StacItemAssets
    from .stac_item_collection import StacItemCollection
    from .stac_item_properties import StacItemProperties
    from .stac_landing_page import StacLandingPage
    from .stac_link import StacLink
    from .stac_link_body import StacLinkBody
    from .stac_search_body import StacSearchBody
    from .stac_search_body_filter_type_1 import StacSearchBodyFilterType1
    from .stac_search_context import StacSearchContext
    from .statistical_aggregation import StatisticalAggregation
    from .statistical_aggregation_interval import StatisticalAggregationInterval
    from .statistical_band_result import StatisticalBandResult
    from .statistical_band_statistics import StatisticalBandStatistics
    from .statistical_calculation import StatisticalCalculation
    from .statistical_calculation_histograms import StatisticalCalculationHistograms
    from .statistical_calculation_statistics import StatisticalCalculationStatistics
    from .statistical_histogram import StatisticalHistogram
    from .statistical_histogram_bin import StatisticalHistogramBin
    from .statistical_histogram_result import StatisticalHistogramResult
    from .statistical_interval import StatisticalInterval
    from .statistical_interval_error import StatisticalIntervalError
    from .statistical_interval_result import StatisticalIntervalResult
    from .statistical_interval_result_outputs import StatisticalIntervalResultOutputs
    from .statistical_output_result import StatisticalOutputResult
    from .statistical_output_result_bands import StatisticalOutputResultBands
    from .statistical_percentiles import StatisticalPercentiles
    from .statistical_request import StatisticalRequest
    from .statistical_request_calculations import StatisticalRequestCalculations
    from .statistical_response import StatisticalResponse
    from .statistical_stats import StatisticalStats
    from .statistical_stats_percentiles import StatisticalStatsPercentiles
    from .tiling_grid import TilingGrid
    from .tiling_grid_page import TilingGridPage
    from .tiling_grid_properties import TilingGridProperties
    from .tiling_grid_settings import TilingGridSettings
    from .time_range import TimeRange
    from .zarr_array_parameters import ZarrArrayParameters
    from .zarr_array_parameters_compressor import ZarrArrayParametersCompressor

#: Each model name -> the module of this package that defines it.
_MODULES = {
    "AsyncProcessOutput": ".async_process_output",
    "AsyncProcessRequest": ".async_process_request",
    "AsyncStatus": ".async_status",
    "BatchCogParameters": ".batch_cog_parameters",
    "BatchCollection": ".batch_collection",
    "BatchCollectionAdditionalData": ".batch_collection_additional_data",
    "BatchCollectionAdditionalDataBands": ".batch_collection_additional_data_bands",
    "BatchCollectionBatchData": ".batch_collection_batch_data",
    "BatchCollectionEnvelope": ".batch_collection_envelope",
    "BatchCollectionPage": ".batch_collection_page",
    "BatchOutput": ".batch_output",
    "BatchOutputPath": ".batch_output_path",
    "BatchProcessRequestBody": ".batch_process_request_body",
    "BatchProcessRequestBodyOutput": ".batch_process_request_body_output",
    "BatchRequest": ".batch_request",
    "BatchRequestPage": ".batch_request_page",
    "BatchRequestStatus": ".batch_request_status",
    "BatchRequestUpdate": ".batch_request_update",
    "BatchTile": ".batch_tile",
    "BatchTileOrigin": ".batch_tile_origin",
    "BatchTilePage": ".batch_tile_page",
    "BatchTileStatus": ".batch_tile_status",
    "BatchUserAction": ".batch_user_action",
    "BatchV2CogParameters": ".batch_v2_cog_parameters",
    "BatchV2GeopackageDefaults": ".batch_v2_geopackage_defaults",
    "BatchV2GeopackageInput": ".batch_v2_geopackage_input",
    "BatchV2GeopackageInputType": ".batch_v2_geopackage_input_type",
    "BatchV2InstanceType": ".batch_v2_instance_type",
    "BatchV2ProcessBody": ".batch_v2_process_body",
    "BatchV2ProcessBodyOutput": ".batch_v2_process_body_output",
    "BatchV2ProcessInput": ".batch_v2_process_input",
    "BatchV2ProcessRequest": ".batch_v2_process_request",
    "BatchV2RasterOutput": ".batch_v2_raster_output",
    "BatchV2RasterOutputType": ".batch_v2_raster_output_type",
    "BatchV2Request": ".batch_v2_request",
    "BatchV2RequestStatus": ".batch_v2_request_status",
    "BatchV2RequestUpdate": ".batch_v2_request_update",
    "BatchV2RequestsPage": ".batch_v2_requests_page",
    "BatchV2StoppedStatusReason": ".batch_v2_stopped_status_reason",
    "BatchV2TilingGrid": ".batch_v2_tiling_grid",
    "BatchV2TilingGridInput": ".batch_v2_tiling_grid_input",
    "BatchV2TilingGridInputType": ".batch_v2_tiling_grid_input_type",
    "BatchV2TilingGridProperties": ".batch_v2_tiling_grid_properties",
    "BatchV2TilingGridsPage": ".batch_v2_tiling_grids_page",
    "BatchV2UserAction": ".batch_v2_user_action",
    "BatchV2ZarrArrayParameters": ".batch_v2_zarr_array_parameters",
    "BatchV2ZarrArrayParametersCompressor": ".batch_v2_zarr_array_parameters_compressor",
    "BatchV2ZarrArrayParametersCustomAttributes": ".batch_v2_zarr_array_parameters_custom_attributes",
    "BatchV2ZarrGroup": ".batch_v2_zarr_group",
    "BatchV2ZarrGroupCoordinates": ".batch_v2_zarr_group_coordinates",
    "BatchV2ZarrGroupCustomAttributes": ".batch_v2_zarr_group_custom_attributes",
    "BatchV2ZarrOutput": ".batch_v2_zarr_output",
    "BatchV2ZarrOutputArrayOverrides": ".batch_v2_zarr_output_array_overrides",
    "BatchV2ZarrOutputType": ".batch_v2_zarr_output_type",
    "BatchZarrOutput": ".batch_zarr_output",
    "BatchZarrOutputArrayOverrides": ".batch_zarr_output_array_overrides",
    "BatchZarrOutputGroup": ".batch_zarr_output_group",
    "BoundsProperties": ".bounds_properties",
    "ByocBand": ".byoc_band",
    "ByocCollection": ".byoc_collection",
    "ByocCollectionAdditionalData": ".byoc_collection_additional_data",
    "ByocCollectionAdditionalDataBands": ".byoc_collection_additional_data_bands",
    "ByocCollectionEnvelope": ".byoc_collection_envelope",
    "ByocCollectionPage": ".byoc_collection_page",
    "ByocCollectionUpdate": ".byoc_collection_update",
    "ByocSampleFormat": ".byoc_sample_format",
    "ByocSensingTimes": ".byoc_sensing_times",
    "ByocTile": ".byoc_tile",
    "ByocTileAdditionalData": ".byoc_tile_additional_data",
    "ByocTileEnvelope": ".byoc_tile_envelope",
    "ByocTilePage": ".byoc_tile_page",
    "ByocTileStatus": ".byoc_tile_status",
    "ByocTileUpdate": ".byoc_tile_update",
    "CatalogQueryablesResponse200": ".catalog_queryables_response_200",
    "DataFilter": ".data_filter",
    "DataProcessing": ".data_processing",
    "DataProcessingSpeckleFilter": ".data_processing_speckle_filter",
    "ErrorBody": ".error_body",
    "ErrorBodyErrorsType1": ".error_body_errors_type_1",
    "ErrorEnvelope": ".error_envelope",
    "ErrorViolation": ".error_violation",
    "GcsLocation": ".gcs_location",
    "GeoJsonCrs": ".geo_json_crs",
    "GeoJsonCrsProperties": ".geo_json_crs_properties",
    "GetByocCollectionTilesSort": ".get_byoc_collection_tiles_sort",
    "MultiPolygon": ".multi_polygon",
    "MultiPolygonType": ".multi_polygon_type",
    "ObjectStorage": ".object_storage",
    "OutputFormat": ".output_format",
    "OutputResponse": ".output_response",
    "PageLinks": ".page_links",
    "Polygon": ".polygon",
    "PolygonType": ".polygon_type",
    "ProcessBounds": ".process_bounds",
    "ProcessInput": ".process_input",
    "ProcessInputData": ".process_input_data",
    "ProcessOutput": ".process_output",
    "ProcessRequest": ".process_request",
    "S3Location": ".s3_location",
    "StacCollection": ".stac_collection",
    "StacCollectionSummaries": ".stac_collection_summaries",
    "StacCollections": ".stac_collections",
    "StacConformance": ".stac_conformance",
    "StacExtent": ".stac_extent",
    "StacExtentSpatial": ".stac_extent_spatial",
    "StacExtentTemporal": ".stac_extent_temporal",
    "StacFields": ".stac_fields",
    "StacGeometry": ".stac_geometry",
    "StacItem": ".stac_item",
    "StacItemAssets": ".stac_item_assets",
    "StacItemCollection": ".stac_item_collection",
    "StacItemProperties": ".stac_item_properties",
    "StacLandingPage": ".stac_landing_page",
    "StacLink": ".stac_link",
    "StacLinkBody": ".stac_link_body",
    "StacSearchBody": ".stac_search_body",
    "StacSearchBodyFilterType1": ".stac_search_body_filter_type_1",
    "StacSearchContext": ".stac_search_context",
    "StatisticalAggregation": ".statistical_aggregation",
    "StatisticalAggregationInterval": ".statistical_aggregation_interval",
    "StatisticalBandResult": ".statistical_band_result",
    "StatisticalBandStatistics": ".statistical_band_statistics",
    "StatisticalCalculation": ".statistical_calculation",
    "StatisticalCalculationHistograms": ".statistical_calculation_histograms",
    "StatisticalCalculationStatistics": ".statistical_calculation_statistics",
    "StatisticalHistogram": ".statistical_histogram",
    "StatisticalHistogramBin": ".statistical_histogram_bin",
    "StatisticalHistogramResult": ".statistical_histogram_result",
    "StatisticalInterval": ".statistical_interval",
    "StatisticalIntervalError": ".statistical_interval_error",
    "StatisticalIntervalResult": ".statistical_interval_result",
    "StatisticalIntervalResultOutputs": ".statistical_interval_result_outputs",
    "StatisticalOutputResult": ".statistical_output_result",
    "StatisticalOutputResultBands": ".statistical_output_result_bands",
    "StatisticalPercentiles": ".statistical_percentiles",
    "StatisticalRequest": ".statistical_request",
    "StatisticalRequestCalculations": ".statistical_request_calculations",
    "StatisticalResponse": ".statistical_response",
    "StatisticalStats": ".statistical_stats",
    "StatisticalStatsPercentiles": ".statistical_stats_percentiles",
    "TilingGrid": ".tiling_grid",
    "TilingGridPage": ".tiling_grid_page",
    "TilingGridProperties": ".tiling_grid_properties",
    "TilingGridSettings": ".tiling_grid_settings",
    "TimeRange": ".time_range",
    "ZarrArrayParameters": ".zarr_array_parameters",
    "ZarrArrayParametersCompressor": ".zarr_array_parameters_compressor",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULES})


__all__ = (
    "AsyncProcessOutput",
    "AsyncProcessRequest",
    "AsyncStatus",
    "BatchCogParameters",
    "BatchCollection",
    "BatchCollectionAdditionalData",
    "BatchCollectionAdditionalDataBands",
    "BatchCollectionBatchData",
    "BatchCollectionEnvelope",
    "BatchCollectionPage",
    "BatchOutput",
    "BatchOutputPath",
    "BatchProcessRequestBody",
    "BatchProcessRequestBodyOutput",
    "BatchRequest",
    "BatchRequestPage",
    "BatchRequestStatus",
    "BatchRequestUpdate",
    "BatchTile",
    "BatchTileOrigin",
    "BatchTilePage",
    "BatchTileStatus",
    "BatchUserAction",
    "BatchV2CogParameters",
    "BatchV2GeopackageDefaults",
    "BatchV2GeopackageInput",
    "BatchV2GeopackageInputType",
    "BatchV2InstanceType",
    "BatchV2ProcessBody",
    "BatchV2ProcessBodyOutput",
    "BatchV2ProcessInput",
    "BatchV2ProcessRequest",
    "BatchV2RasterOutput",
    "BatchV2RasterOutputType",
    "BatchV2Request",
    "BatchV2RequestsPage",
    "BatchV2RequestStatus",
    "BatchV2RequestUpdate",
    "BatchV2StoppedStatusReason",
    "BatchV2TilingGrid",
    "BatchV2TilingGridInput",
    "BatchV2TilingGridInputType",
    "BatchV2TilingGridProperties",
    "BatchV2TilingGridsPage",
    "BatchV2UserAction",
    "BatchV2ZarrArrayParameters",
    "BatchV2ZarrArrayParametersCompressor",
    "BatchV2ZarrArrayParametersCustomAttributes",
    "BatchV2ZarrGroup",
    "BatchV2ZarrGroupCoordinates",
    "BatchV2ZarrGroupCustomAttributes",
    "BatchV2ZarrOutput",
    "BatchV2ZarrOutputArrayOverrides",
    "BatchV2ZarrOutputType",
    "BatchZarrOutput",
    "BatchZarrOutputArrayOverrides",
    "BatchZarrOutputGroup",
    "BoundsProperties",
    "ByocBand",
    "ByocCollection",
    "ByocCollectionAdditionalData",
    "ByocCollectionAdditionalDataBands",
    "ByocCollectionEnvelope",
    "ByocCollectionPage",
    "ByocCollectionUpdate",
    "ByocSampleFormat",
    "ByocSensingTimes",
    "ByocTile",
    "ByocTileAdditionalData",
    "ByocTileEnvelope",
    "ByocTilePage",
    "ByocTileStatus",
    "ByocTileUpdate",
    "CatalogQueryablesResponse200",
    "DataFilter",
    "DataProcessing",
    "DataProcessingSpeckleFilter",
    "ErrorBody",
    "ErrorBodyErrorsType1",
    "ErrorEnvelope",
    "ErrorViolation",
    "GcsLocation",
    "GeoJsonCrs",
    "GeoJsonCrsProperties",
    "GetByocCollectionTilesSort",
    "MultiPolygon",
    "MultiPolygonType",
    "ObjectStorage",
    "OutputFormat",
    "OutputResponse",
    "PageLinks",
    "Polygon",
    "PolygonType",
    "ProcessBounds",
    "ProcessInput",
    "ProcessInputData",
    "ProcessOutput",
    "ProcessRequest",
    "S3Location",
    "StacCollection",
    "StacCollections",
    "StacCollectionSummaries",
    "StacConformance",
    "StacExtent",
    "StacExtentSpatial",
    "StacExtentTemporal",
    "StacFields",
    "StacGeometry",
    "StacItem",
    "StacItemAssets",
    "StacItemCollection",
    "StacItemProperties",
    "StacLandingPage",
    "StacLink",
    "StacLinkBody",
    "StacSearchBody",
    "StacSearchBodyFilterType1",
    "StacSearchContext",
    "StatisticalAggregation",
    "StatisticalAggregationInterval",
    "StatisticalBandResult",
    "StatisticalBandStatistics",
    "StatisticalCalculation",
    "StatisticalCalculationHistograms",
    "StatisticalCalculationStatistics",
    "StatisticalHistogram",
    "StatisticalHistogramBin",
    "StatisticalHistogramResult",
    "StatisticalInterval",
    "StatisticalIntervalError",
    "StatisticalIntervalResult",
    "StatisticalIntervalResultOutputs",
    "StatisticalOutputResult",
    "StatisticalOutputResultBands",
    "StatisticalPercentiles",
    "StatisticalRequest",
    "StatisticalRequestCalculations",
    "StatisticalResponse",
    "StatisticalStats",
    "StatisticalStatsPercentiles",
    "TilingGrid",
    "TilingGridPage",
    "TilingGridProperties",
    "TilingGridSettings",
    "TimeRange",
    "ZarrArrayParameters",
    "ZarrArrayParametersCompressor",
)
