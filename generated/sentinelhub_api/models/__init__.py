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
    "TilingGrid",
    "TilingGridPage",
    "TilingGridProperties",
    "TilingGridSettings",
    "TimeRange",
    "ZarrArrayParameters",
    "ZarrArrayParametersCompressor",
)
