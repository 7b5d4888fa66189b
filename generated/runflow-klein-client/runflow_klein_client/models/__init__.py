"""Contains all the data models used in inputs/outputs"""

from .asset import Asset
from .asset_created_by_user import AssetCreatedByUser
from .asset_upload_confirm import AssetUploadConfirm
from .asset_upload_create import AssetUploadCreate
from .asset_upload_session import AssetUploadSession
from .callback_delivery import CallbackDelivery
from .callback_delivery_attempt import CallbackDeliveryAttempt
from .callback_event import CallbackEvent
from .callback_payload import CallbackPayload
from .callback_payload_metadata_type_0 import CallbackPayloadMetadataType0
from .callback_payload_status import CallbackPayloadStatus
from .callback_secret_create import CallbackSecretCreate
from .callback_secret_created import CallbackSecretCreated
from .create_run_request import CreateRunRequest
from .create_run_request_input import CreateRunRequestInput
from .create_run_request_metadata_type_0 import CreateRunRequestMetadataType0
from .error_response import ErrorResponse
from .error_response_errors_type_0_item import ErrorResponseErrorsType0Item
from .flux_2_klein_4b_edit_input import Flux2Klein4BEditInput
from .flux_2_klein_4b_edit_output import Flux2Klein4BEditOutput
from .flux_2_klein_4b_edit_output_model_data_type_0 import Flux2Klein4BEditOutputModelDataType0
from .flux_2_klein_4b_edit_output_timing_type_0 import Flux2Klein4BEditOutputTimingType0
from .flux_2_klein_4b_edit_run import Flux2Klein4BEditRun
from .flux_2_klein_4b_edit_run_context_type_0 import Flux2Klein4BEditRunContextType0
from .flux_2_klein_4b_edit_run_cost_breakdown_type_0 import Flux2Klein4BEditRunCostBreakdownType0
from .flux_2_klein_4b_edit_run_flow_type_0 import Flux2Klein4BEditRunFlowType0
from .flux_2_klein_4b_edit_run_input_type_0 import Flux2Klein4BEditRunInputType0
from .flux_2_klein_4b_edit_run_links_type_0 import Flux2Klein4BEditRunLinksType0
from .flux_2_klein_4b_edit_run_metadata_type_0 import Flux2Klein4BEditRunMetadataType0
from .flux_2_klein_4b_edit_run_request import Flux2Klein4BEditRunRequest
from .flux_2_klein_4b_edit_run_request_metadata_type_0 import Flux2Klein4BEditRunRequestMetadataType0
from .flux_2_klein_4b_input import Flux2Klein4BInput
from .flux_2_klein_4b_legacy_request import Flux2Klein4BLegacyRequest
from .flux_2_klein_4b_legacy_response import Flux2Klein4BLegacyResponse
from .flux_2_klein_4b_legacy_response_timings import Flux2Klein4BLegacyResponseTimings
from .flux_2_klein_4b_output import Flux2Klein4BOutput
from .flux_2_klein_4b_output_model_data_type_0 import Flux2Klein4BOutputModelDataType0
from .flux_2_klein_4b_output_timing_type_0 import Flux2Klein4BOutputTimingType0
from .flux_2_klein_4b_run import Flux2Klein4BRun
from .flux_2_klein_4b_run_context_type_0 import Flux2Klein4BRunContextType0
from .flux_2_klein_4b_run_cost_breakdown_type_0 import Flux2Klein4BRunCostBreakdownType0
from .flux_2_klein_4b_run_flow_type_0 import Flux2Klein4BRunFlowType0
from .flux_2_klein_4b_run_input_type_0 import Flux2Klein4BRunInputType0
from .flux_2_klein_4b_run_links_type_0 import Flux2Klein4BRunLinksType0
from .flux_2_klein_4b_run_metadata_type_0 import Flux2Klein4BRunMetadataType0
from .flux_2_klein_4b_run_request import Flux2Klein4BRunRequest
from .flux_2_klein_4b_run_request_metadata_type_0 import Flux2Klein4BRunRequestMetadataType0
from .flux_2_klein_9b_edit_input import Flux2Klein9BEditInput
from .flux_2_klein_9b_edit_legacy_request import Flux2Klein9BEditLegacyRequest
from .flux_2_klein_9b_edit_legacy_response import Flux2Klein9BEditLegacyResponse
from .flux_2_klein_9b_edit_legacy_response_timings import Flux2Klein9BEditLegacyResponseTimings
from .flux_2_klein_9b_edit_output import Flux2Klein9BEditOutput
from .flux_2_klein_9b_edit_output_model_data_type_0 import Flux2Klein9BEditOutputModelDataType0
from .flux_2_klein_9b_edit_output_timing_type_0 import Flux2Klein9BEditOutputTimingType0
from .flux_2_klein_9b_edit_run import Flux2Klein9BEditRun
from .flux_2_klein_9b_edit_run_context_type_0 import Flux2Klein9BEditRunContextType0
from .flux_2_klein_9b_edit_run_cost_breakdown_type_0 import Flux2Klein9BEditRunCostBreakdownType0
from .flux_2_klein_9b_edit_run_flow_type_0 import Flux2Klein9BEditRunFlowType0
from .flux_2_klein_9b_edit_run_input_type_0 import Flux2Klein9BEditRunInputType0
from .flux_2_klein_9b_edit_run_links_type_0 import Flux2Klein9BEditRunLinksType0
from .flux_2_klein_9b_edit_run_metadata_type_0 import Flux2Klein9BEditRunMetadataType0
from .flux_2_klein_9b_edit_run_request import Flux2Klein9BEditRunRequest
from .flux_2_klein_9b_edit_run_request_metadata_type_0 import Flux2Klein9BEditRunRequestMetadataType0
from .flux_2_klein_9b_input import Flux2Klein9BInput
from .flux_2_klein_9b_output import Flux2Klein9BOutput
from .flux_2_klein_9b_output_model_data_type_0 import Flux2Klein9BOutputModelDataType0
from .flux_2_klein_9b_output_timing_type_0 import Flux2Klein9BOutputTimingType0
from .flux_2_klein_9b_run import Flux2Klein9BRun
from .flux_2_klein_9b_run_context_type_0 import Flux2Klein9BRunContextType0
from .flux_2_klein_9b_run_cost_breakdown_type_0 import Flux2Klein9BRunCostBreakdownType0
from .flux_2_klein_9b_run_flow_type_0 import Flux2Klein9BRunFlowType0
from .flux_2_klein_9b_run_input_type_0 import Flux2Klein9BRunInputType0
from .flux_2_klein_9b_run_links_type_0 import Flux2Klein9BRunLinksType0
from .flux_2_klein_9b_run_metadata_type_0 import Flux2Klein9BRunMetadataType0
from .flux_2_klein_9b_run_request import Flux2Klein9BRunRequest
from .flux_2_klein_9b_run_request_metadata_type_0 import Flux2Klein9BRunRequestMetadataType0
from .health_status import HealthStatus
from .klein_image_size import KleinImageSize
from .klein_legacy_image import KleinLegacyImage
from .klein_output_format import KleinOutputFormat
from .klein_output_item import KleinOutputItem
from .klein_output_item_type import KleinOutputItemType
from .node_run import NodeRun
from .node_run_input_type_0 import NodeRunInputType0
from .node_run_output_type_0 import NodeRunOutputType0
from .normalized_output import NormalizedOutput
from .normalized_output_timing_type_0 import NormalizedOutputTimingType0
from .principal import Principal
from .readiness_status import ReadinessStatus
from .run import Run
from .run_context_type_0 import RunContextType0
from .run_cost_breakdown_type_0 import RunCostBreakdownType0
from .run_flow_type_0 import RunFlowType0
from .run_input_type_0 import RunInputType0
from .run_links_type_0 import RunLinksType0
from .run_log import RunLog
from .run_log_meta_type_0 import RunLogMetaType0
from .run_metadata_type_0 import RunMetadataType0
from .run_page import RunPage
from .run_status import RunStatus

__all__ = (
    "Asset",
    "AssetCreatedByUser",
    "AssetUploadConfirm",
    "AssetUploadCreate",
    "AssetUploadSession",
    "CallbackDelivery",
    "CallbackDeliveryAttempt",
    "CallbackEvent",
    "CallbackPayload",
    "CallbackPayloadMetadataType0",
    "CallbackPayloadStatus",
    "CallbackSecretCreate",
    "CallbackSecretCreated",
    "CreateRunRequest",
    "CreateRunRequestInput",
    "CreateRunRequestMetadataType0",
    "ErrorResponse",
    "ErrorResponseErrorsType0Item",
    "Flux2Klein4BEditInput",
    "Flux2Klein4BEditOutput",
    "Flux2Klein4BEditOutputModelDataType0",
    "Flux2Klein4BEditOutputTimingType0",
    "Flux2Klein4BEditRun",
    "Flux2Klein4BEditRunContextType0",
    "Flux2Klein4BEditRunCostBreakdownType0",
    "Flux2Klein4BEditRunFlowType0",
    "Flux2Klein4BEditRunInputType0",
    "Flux2Klein4BEditRunLinksType0",
    "Flux2Klein4BEditRunMetadataType0",
    "Flux2Klein4BEditRunRequest",
    "Flux2Klein4BEditRunRequestMetadataType0",
    "Flux2Klein4BInput",
    "Flux2Klein4BLegacyRequest",
    "Flux2Klein4BLegacyResponse",
    "Flux2Klein4BLegacyResponseTimings",
    "Flux2Klein4BOutput",
    "Flux2Klein4BOutputModelDataType0",
    "Flux2Klein4BOutputTimingType0",
    "Flux2Klein4BRun",
    "Flux2Klein4BRunContextType0",
    "Flux2Klein4BRunCostBreakdownType0",
    "Flux2Klein4BRunFlowType0",
    "Flux2Klein4BRunInputType0",
    "Flux2Klein4BRunLinksType0",
    "Flux2Klein4BRunMetadataType0",
    "Flux2Klein4BRunRequest",
    "Flux2Klein4BRunRequestMetadataType0",
    "Flux2Klein9BEditInput",
    "Flux2Klein9BEditLegacyRequest",
    "Flux2Klein9BEditLegacyResponse",
    "Flux2Klein9BEditLegacyResponseTimings",
    "Flux2Klein9BEditOutput",
    "Flux2Klein9BEditOutputModelDataType0",
    "Flux2Klein9BEditOutputTimingType0",
    "Flux2Klein9BEditRun",
    "Flux2Klein9BEditRunContextType0",
    "Flux2Klein9BEditRunCostBreakdownType0",
    "Flux2Klein9BEditRunFlowType0",
    "Flux2Klein9BEditRunInputType0",
    "Flux2Klein9BEditRunLinksType0",
    "Flux2Klein9BEditRunMetadataType0",
    "Flux2Klein9BEditRunRequest",
    "Flux2Klein9BEditRunRequestMetadataType0",
    "Flux2Klein9BInput",
    "Flux2Klein9BOutput",
    "Flux2Klein9BOutputModelDataType0",
    "Flux2Klein9BOutputTimingType0",
    "Flux2Klein9BRun",
    "Flux2Klein9BRunContextType0",
    "Flux2Klein9BRunCostBreakdownType0",
    "Flux2Klein9BRunFlowType0",
    "Flux2Klein9BRunInputType0",
    "Flux2Klein9BRunLinksType0",
    "Flux2Klein9BRunMetadataType0",
    "Flux2Klein9BRunRequest",
    "Flux2Klein9BRunRequestMetadataType0",
    "HealthStatus",
    "KleinImageSize",
    "KleinLegacyImage",
    "KleinOutputFormat",
    "KleinOutputItem",
    "KleinOutputItemType",
    "NodeRun",
    "NodeRunInputType0",
    "NodeRunOutputType0",
    "NormalizedOutput",
    "NormalizedOutputTimingType0",
    "Principal",
    "ReadinessStatus",
    "Run",
    "RunContextType0",
    "RunCostBreakdownType0",
    "RunFlowType0",
    "RunInputType0",
    "RunLinksType0",
    "RunLog",
    "RunLogMetaType0",
    "RunMetadataType0",
    "RunPage",
    "RunStatus",
)
