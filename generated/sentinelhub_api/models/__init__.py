"""Contains all the data models used in inputs/outputs"""

from .async_process_output import AsyncProcessOutput
from .async_process_request import AsyncProcessRequest
from .async_status import AsyncStatus
from .batch_cog_parameters import BatchCogParameters
from .batch_collection import BatchCollection
from .batch_collection_additional_data import BatchCollectionAdditionalData
from .batch_collection_additional_data_bands import BatchCollectionAdditionalDataBands
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
