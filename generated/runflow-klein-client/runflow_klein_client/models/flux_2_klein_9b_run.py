from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_status import RunStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.flux_2_klein_9b_output import Flux2Klein9BOutput
    from ..models.flux_2_klein_9b_run_context_type_0 import Flux2Klein9BRunContextType0
    from ..models.flux_2_klein_9b_run_cost_breakdown_type_0 import Flux2Klein9BRunCostBreakdownType0
    from ..models.flux_2_klein_9b_run_flow_type_0 import Flux2Klein9BRunFlowType0
    from ..models.flux_2_klein_9b_run_input_type_0 import Flux2Klein9BRunInputType0
    from ..models.flux_2_klein_9b_run_links_type_0 import Flux2Klein9BRunLinksType0
    from ..models.flux_2_klein_9b_run_metadata_type_0 import Flux2Klein9BRunMetadataType0
    from ..models.node_run import NodeRun
    from ..models.run_log import RunLog


T = TypeVar("T", bound="Flux2Klein9BRun")


@_attrs_define
class Flux2Klein9BRun:
    """A model run. Every field except `id` is rendered as nullable by the API reference; `output` is the normalized
    payload once the run succeeded.

        Attributes:
            id (UUID):
            flow_id (None | Unset | UUID):
            model_id (None | Unset | UUID): The model's UUID (not its owner/slug id).
            comfyui_workflow_id (None | Unset | UUID):
            target_type (None | str | Unset):
            target_version (None | str | Unset):
            org_id (None | Unset | UUID):
            status_code (None | RunStatus | str | Unset):
            source_code (None | str | Unset):
            input_ (Flux2Klein9BRunInputType0 | None | Unset):
            output (Flux2Klein9BOutput | None | Unset): Normalized output on success; see the model's page for its shape.
            context (Flux2Klein9BRunContextType0 | None | Unset):
            duration_ms (int | None | Unset):
            cost (None | str | Unset):
            cost_breakdown (Flux2Klein9BRunCostBreakdownType0 | None | Unset):
            nodes_total (int | None | Unset):
            nodes_completed (int | None | Unset):
            resolved_template_id (None | Unset | UUID):
            batch_id (None | Unset | UUID):
            client_ref (None | str | Unset): Caller-chosen correlation tag; filter with q=client_ref.EQ:'<token>'.
            jurisdiction_code (None | str | Unset):
            flow_version_id (None | Unset | UUID):
            request_id (None | str | Unset):
            created_by (None | Unset | UUID):
            created_at (datetime.datetime | None | Unset):
            started_at (datetime.datetime | None | Unset):
            completed_at (datetime.datetime | None | Unset):
            callback_url (None | str | Unset):
            metadata (Flux2Klein9BRunMetadataType0 | None | Unset):
            has_logs (bool | None | Unset):
            has_node_runs (bool | None | Unset):
            links (Flux2Klein9BRunLinksType0 | None | Unset):
            failure_code (None | str | Unset):
            failure_message (None | str | Unset):
            failure_stage_code (None | str | Unset):
            node_runs (list[NodeRun] | None | Unset):
            logs (list[RunLog] | None | Unset):
            flow (Flux2Klein9BRunFlowType0 | None | Unset):
    """

    id: UUID
    flow_id: None | Unset | UUID = UNSET
    model_id: None | Unset | UUID = UNSET
    comfyui_workflow_id: None | Unset | UUID = UNSET
    target_type: None | str | Unset = UNSET
    target_version: None | str | Unset = UNSET
    org_id: None | Unset | UUID = UNSET
    status_code: None | RunStatus | str | Unset = UNSET
    source_code: None | str | Unset = UNSET
    input_: Flux2Klein9BRunInputType0 | None | Unset = UNSET
    output: Flux2Klein9BOutput | None | Unset = UNSET
    context: Flux2Klein9BRunContextType0 | None | Unset = UNSET
    duration_ms: int | None | Unset = UNSET
    cost: None | str | Unset = UNSET
    cost_breakdown: Flux2Klein9BRunCostBreakdownType0 | None | Unset = UNSET
    nodes_total: int | None | Unset = UNSET
    nodes_completed: int | None | Unset = UNSET
    resolved_template_id: None | Unset | UUID = UNSET
    batch_id: None | Unset | UUID = UNSET
    client_ref: None | str | Unset = UNSET
    jurisdiction_code: None | str | Unset = UNSET
    flow_version_id: None | Unset | UUID = UNSET
    request_id: None | str | Unset = UNSET
    created_by: None | Unset | UUID = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    completed_at: datetime.datetime | None | Unset = UNSET
    callback_url: None | str | Unset = UNSET
    metadata: Flux2Klein9BRunMetadataType0 | None | Unset = UNSET
    has_logs: bool | None | Unset = UNSET
    has_node_runs: bool | None | Unset = UNSET
    links: Flux2Klein9BRunLinksType0 | None | Unset = UNSET
    failure_code: None | str | Unset = UNSET
    failure_message: None | str | Unset = UNSET
    failure_stage_code: None | str | Unset = UNSET
    node_runs: list[NodeRun] | None | Unset = UNSET
    logs: list[RunLog] | None | Unset = UNSET
    flow: Flux2Klein9BRunFlowType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.flux_2_klein_9b_output import Flux2Klein9BOutput  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_context_type_0 import Flux2Klein9BRunContextType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_cost_breakdown_type_0 import Flux2Klein9BRunCostBreakdownType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_flow_type_0 import Flux2Klein9BRunFlowType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_input_type_0 import Flux2Klein9BRunInputType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_links_type_0 import Flux2Klein9BRunLinksType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_metadata_type_0 import Flux2Klein9BRunMetadataType0  # noqa: PLC0415

        id = str(self.id)

        flow_id: None | str | Unset
        if isinstance(self.flow_id, Unset):
            flow_id = UNSET
        elif isinstance(self.flow_id, UUID):
            flow_id = str(self.flow_id)
        else:
            flow_id = self.flow_id

        model_id: None | str | Unset
        if isinstance(self.model_id, Unset):
            model_id = UNSET
        elif isinstance(self.model_id, UUID):
            model_id = str(self.model_id)
        else:
            model_id = self.model_id

        comfyui_workflow_id: None | str | Unset
        if isinstance(self.comfyui_workflow_id, Unset):
            comfyui_workflow_id = UNSET
        elif isinstance(self.comfyui_workflow_id, UUID):
            comfyui_workflow_id = str(self.comfyui_workflow_id)
        else:
            comfyui_workflow_id = self.comfyui_workflow_id

        target_type: None | str | Unset
        if isinstance(self.target_type, Unset):
            target_type = UNSET
        else:
            target_type = self.target_type

        target_version: None | str | Unset
        if isinstance(self.target_version, Unset):
            target_version = UNSET
        else:
            target_version = self.target_version

        org_id: None | str | Unset
        if isinstance(self.org_id, Unset):
            org_id = UNSET
        elif isinstance(self.org_id, UUID):
            org_id = str(self.org_id)
        else:
            org_id = self.org_id

        status_code: None | str | Unset
        if isinstance(self.status_code, Unset):
            status_code = UNSET
        elif isinstance(self.status_code, RunStatus):
            status_code = self.status_code.value
        else:
            status_code = self.status_code

        source_code: None | str | Unset
        if isinstance(self.source_code, Unset):
            source_code = UNSET
        else:
            source_code = self.source_code

        input_: dict[str, Any] | None | Unset
        if isinstance(self.input_, Unset):
            input_ = UNSET
        elif isinstance(self.input_, Flux2Klein9BRunInputType0):
            input_ = self.input_.to_dict()
        else:
            input_ = self.input_

        output: dict[str, Any] | None | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        elif isinstance(self.output, Flux2Klein9BOutput):
            output = self.output.to_dict()
        else:
            output = self.output

        context: dict[str, Any] | None | Unset
        if isinstance(self.context, Unset):
            context = UNSET
        elif isinstance(self.context, Flux2Klein9BRunContextType0):
            context = self.context.to_dict()
        else:
            context = self.context

        duration_ms: int | None | Unset
        if isinstance(self.duration_ms, Unset):
            duration_ms = UNSET
        else:
            duration_ms = self.duration_ms

        cost: None | str | Unset
        if isinstance(self.cost, Unset):
            cost = UNSET
        else:
            cost = self.cost

        cost_breakdown: dict[str, Any] | None | Unset
        if isinstance(self.cost_breakdown, Unset):
            cost_breakdown = UNSET
        elif isinstance(self.cost_breakdown, Flux2Klein9BRunCostBreakdownType0):
            cost_breakdown = self.cost_breakdown.to_dict()
        else:
            cost_breakdown = self.cost_breakdown

        nodes_total: int | None | Unset
        if isinstance(self.nodes_total, Unset):
            nodes_total = UNSET
        else:
            nodes_total = self.nodes_total

        nodes_completed: int | None | Unset
        if isinstance(self.nodes_completed, Unset):
            nodes_completed = UNSET
        else:
            nodes_completed = self.nodes_completed

        resolved_template_id: None | str | Unset
        if isinstance(self.resolved_template_id, Unset):
            resolved_template_id = UNSET
        elif isinstance(self.resolved_template_id, UUID):
            resolved_template_id = str(self.resolved_template_id)
        else:
            resolved_template_id = self.resolved_template_id

        batch_id: None | str | Unset
        if isinstance(self.batch_id, Unset):
            batch_id = UNSET
        elif isinstance(self.batch_id, UUID):
            batch_id = str(self.batch_id)
        else:
            batch_id = self.batch_id

        client_ref: None | str | Unset
        if isinstance(self.client_ref, Unset):
            client_ref = UNSET
        else:
            client_ref = self.client_ref

        jurisdiction_code: None | str | Unset
        if isinstance(self.jurisdiction_code, Unset):
            jurisdiction_code = UNSET
        else:
            jurisdiction_code = self.jurisdiction_code

        flow_version_id: None | str | Unset
        if isinstance(self.flow_version_id, Unset):
            flow_version_id = UNSET
        elif isinstance(self.flow_version_id, UUID):
            flow_version_id = str(self.flow_version_id)
        else:
            flow_version_id = self.flow_version_id

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        callback_url: None | str | Unset
        if isinstance(self.callback_url, Unset):
            callback_url = UNSET
        else:
            callback_url = self.callback_url

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, Flux2Klein9BRunMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        has_logs: bool | None | Unset
        if isinstance(self.has_logs, Unset):
            has_logs = UNSET
        else:
            has_logs = self.has_logs

        has_node_runs: bool | None | Unset
        if isinstance(self.has_node_runs, Unset):
            has_node_runs = UNSET
        else:
            has_node_runs = self.has_node_runs

        links: dict[str, Any] | None | Unset
        if isinstance(self.links, Unset):
            links = UNSET
        elif isinstance(self.links, Flux2Klein9BRunLinksType0):
            links = self.links.to_dict()
        else:
            links = self.links

        failure_code: None | str | Unset
        if isinstance(self.failure_code, Unset):
            failure_code = UNSET
        else:
            failure_code = self.failure_code

        failure_message: None | str | Unset
        if isinstance(self.failure_message, Unset):
            failure_message = UNSET
        else:
            failure_message = self.failure_message

        failure_stage_code: None | str | Unset
        if isinstance(self.failure_stage_code, Unset):
            failure_stage_code = UNSET
        else:
            failure_stage_code = self.failure_stage_code

        node_runs: list[dict[str, Any]] | None | Unset
        if isinstance(self.node_runs, Unset):
            node_runs = UNSET
        elif isinstance(self.node_runs, list):
            node_runs = []
            for node_runs_type_0_item_data in self.node_runs:
                node_runs_type_0_item = node_runs_type_0_item_data.to_dict()
                node_runs.append(node_runs_type_0_item)

        else:
            node_runs = self.node_runs

        logs: list[dict[str, Any]] | None | Unset
        if isinstance(self.logs, Unset):
            logs = UNSET
        elif isinstance(self.logs, list):
            logs = []
            for logs_type_0_item_data in self.logs:
                logs_type_0_item = logs_type_0_item_data.to_dict()
                logs.append(logs_type_0_item)

        else:
            logs = self.logs

        flow: dict[str, Any] | None | Unset
        if isinstance(self.flow, Unset):
            flow = UNSET
        elif isinstance(self.flow, Flux2Klein9BRunFlowType0):
            flow = self.flow.to_dict()
        else:
            flow = self.flow

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if flow_id is not UNSET:
            field_dict["flow_id"] = flow_id
        if model_id is not UNSET:
            field_dict["model_id"] = model_id
        if comfyui_workflow_id is not UNSET:
            field_dict["comfyui_workflow_id"] = comfyui_workflow_id
        if target_type is not UNSET:
            field_dict["target_type"] = target_type
        if target_version is not UNSET:
            field_dict["target_version"] = target_version
        if org_id is not UNSET:
            field_dict["org_id"] = org_id
        if status_code is not UNSET:
            field_dict["status_code"] = status_code
        if source_code is not UNSET:
            field_dict["source_code"] = source_code
        if input_ is not UNSET:
            field_dict["input"] = input_
        if output is not UNSET:
            field_dict["output"] = output
        if context is not UNSET:
            field_dict["context"] = context
        if duration_ms is not UNSET:
            field_dict["duration_ms"] = duration_ms
        if cost is not UNSET:
            field_dict["cost"] = cost
        if cost_breakdown is not UNSET:
            field_dict["cost_breakdown"] = cost_breakdown
        if nodes_total is not UNSET:
            field_dict["nodes_total"] = nodes_total
        if nodes_completed is not UNSET:
            field_dict["nodes_completed"] = nodes_completed
        if resolved_template_id is not UNSET:
            field_dict["resolved_template_id"] = resolved_template_id
        if batch_id is not UNSET:
            field_dict["batch_id"] = batch_id
        if client_ref is not UNSET:
            field_dict["client_ref"] = client_ref
        if jurisdiction_code is not UNSET:
            field_dict["jurisdiction_code"] = jurisdiction_code
        if flow_version_id is not UNSET:
            field_dict["flow_version_id"] = flow_version_id
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if has_logs is not UNSET:
            field_dict["has_logs"] = has_logs
        if has_node_runs is not UNSET:
            field_dict["has_node_runs"] = has_node_runs
        if links is not UNSET:
            field_dict["links"] = links
        if failure_code is not UNSET:
            field_dict["failure_code"] = failure_code
        if failure_message is not UNSET:
            field_dict["failure_message"] = failure_message
        if failure_stage_code is not UNSET:
            field_dict["failure_stage_code"] = failure_stage_code
        if node_runs is not UNSET:
            field_dict["node_runs"] = node_runs
        if logs is not UNSET:
            field_dict["logs"] = logs
        if flow is not UNSET:
            field_dict["flow"] = flow

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flux_2_klein_9b_output import Flux2Klein9BOutput  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_context_type_0 import Flux2Klein9BRunContextType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_cost_breakdown_type_0 import Flux2Klein9BRunCostBreakdownType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_flow_type_0 import Flux2Klein9BRunFlowType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_input_type_0 import Flux2Klein9BRunInputType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_links_type_0 import Flux2Klein9BRunLinksType0  # noqa: PLC0415
        from ..models.flux_2_klein_9b_run_metadata_type_0 import Flux2Klein9BRunMetadataType0  # noqa: PLC0415
        from ..models.node_run import NodeRun  # noqa: PLC0415
        from ..models.run_log import RunLog  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        def _parse_flow_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                flow_id_type_0 = UUID(data)

                return flow_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        flow_id = _parse_flow_id(d.pop("flow_id", UNSET))

        def _parse_model_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                model_id_type_0 = UUID(data)

                return model_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        model_id = _parse_model_id(d.pop("model_id", UNSET))

        def _parse_comfyui_workflow_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                comfyui_workflow_id_type_0 = UUID(data)

                return comfyui_workflow_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        comfyui_workflow_id = _parse_comfyui_workflow_id(d.pop("comfyui_workflow_id", UNSET))

        def _parse_target_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target_type = _parse_target_type(d.pop("target_type", UNSET))

        def _parse_target_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target_version = _parse_target_version(d.pop("target_version", UNSET))

        def _parse_org_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                org_id_type_0 = UUID(data)

                return org_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        org_id = _parse_org_id(d.pop("org_id", UNSET))

        def _parse_status_code(data: object) -> None | RunStatus | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_code_type_0 = RunStatus(data)

                return status_code_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunStatus | str | Unset, data)

        status_code = _parse_status_code(d.pop("status_code", UNSET))

        def _parse_source_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_code = _parse_source_code(d.pop("source_code", UNSET))

        def _parse_input_(data: object) -> Flux2Klein9BRunInputType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_type_0 = Flux2Klein9BRunInputType0.from_dict(data)

                return input_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Flux2Klein9BRunInputType0 | None | Unset, data)

        input_ = _parse_input_(d.pop("input", UNSET))

        def _parse_output(data: object) -> Flux2Klein9BOutput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_type_0 = Flux2Klein9BOutput.from_dict(data)

                return output_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Flux2Klein9BOutput | None | Unset, data)

        output = _parse_output(d.pop("output", UNSET))

        def _parse_context(data: object) -> Flux2Klein9BRunContextType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                context_type_0 = Flux2Klein9BRunContextType0.from_dict(data)

                return context_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Flux2Klein9BRunContextType0 | None | Unset, data)

        context = _parse_context(d.pop("context", UNSET))

        def _parse_duration_ms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duration_ms = _parse_duration_ms(d.pop("duration_ms", UNSET))

        def _parse_cost(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cost = _parse_cost(d.pop("cost", UNSET))

        def _parse_cost_breakdown(data: object) -> Flux2Klein9BRunCostBreakdownType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                cost_breakdown_type_0 = Flux2Klein9BRunCostBreakdownType0.from_dict(data)

                return cost_breakdown_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Flux2Klein9BRunCostBreakdownType0 | None | Unset, data)

        cost_breakdown = _parse_cost_breakdown(d.pop("cost_breakdown", UNSET))

        def _parse_nodes_total(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        nodes_total = _parse_nodes_total(d.pop("nodes_total", UNSET))

        def _parse_nodes_completed(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        nodes_completed = _parse_nodes_completed(d.pop("nodes_completed", UNSET))

        def _parse_resolved_template_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_template_id_type_0 = UUID(data)

                return resolved_template_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        resolved_template_id = _parse_resolved_template_id(d.pop("resolved_template_id", UNSET))

        def _parse_batch_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                batch_id_type_0 = UUID(data)

                return batch_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        batch_id = _parse_batch_id(d.pop("batch_id", UNSET))

        def _parse_client_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_ref = _parse_client_ref(d.pop("client_ref", UNSET))

        def _parse_jurisdiction_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        jurisdiction_code = _parse_jurisdiction_code(d.pop("jurisdiction_code", UNSET))

        def _parse_flow_version_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                flow_version_id_type_0 = UUID(data)

                return flow_version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        flow_version_id = _parse_flow_version_id(d.pop("flow_version_id", UNSET))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("request_id", UNSET))

        def _parse_created_by(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_by_type_0 = UUID(data)

                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        def _parse_completed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completed_at = _parse_completed_at(d.pop("completed_at", UNSET))

        def _parse_callback_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        callback_url = _parse_callback_url(d.pop("callback_url", UNSET))

        def _parse_metadata(data: object) -> Flux2Klein9BRunMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = Flux2Klein9BRunMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Flux2Klein9BRunMetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_has_logs(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        has_logs = _parse_has_logs(d.pop("has_logs", UNSET))

        def _parse_has_node_runs(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        has_node_runs = _parse_has_node_runs(d.pop("has_node_runs", UNSET))

        def _parse_links(data: object) -> Flux2Klein9BRunLinksType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                links_type_0 = Flux2Klein9BRunLinksType0.from_dict(data)

                return links_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Flux2Klein9BRunLinksType0 | None | Unset, data)

        links = _parse_links(d.pop("links", UNSET))

        def _parse_failure_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_code = _parse_failure_code(d.pop("failure_code", UNSET))

        def _parse_failure_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_message = _parse_failure_message(d.pop("failure_message", UNSET))

        def _parse_failure_stage_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_stage_code = _parse_failure_stage_code(d.pop("failure_stage_code", UNSET))

        def _parse_node_runs(data: object) -> list[NodeRun] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                node_runs_type_0 = []
                _node_runs_type_0 = data
                for node_runs_type_0_item_data in _node_runs_type_0:
                    node_runs_type_0_item = NodeRun.from_dict(node_runs_type_0_item_data)

                    node_runs_type_0.append(node_runs_type_0_item)

                return node_runs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[NodeRun] | None | Unset, data)

        node_runs = _parse_node_runs(d.pop("node_runs", UNSET))

        def _parse_logs(data: object) -> list[RunLog] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                logs_type_0 = []
                _logs_type_0 = data
                for logs_type_0_item_data in _logs_type_0:
                    logs_type_0_item = RunLog.from_dict(logs_type_0_item_data)

                    logs_type_0.append(logs_type_0_item)

                return logs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RunLog] | None | Unset, data)

        logs = _parse_logs(d.pop("logs", UNSET))

        def _parse_flow(data: object) -> Flux2Klein9BRunFlowType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                flow_type_0 = Flux2Klein9BRunFlowType0.from_dict(data)

                return flow_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Flux2Klein9BRunFlowType0 | None | Unset, data)

        flow = _parse_flow(d.pop("flow", UNSET))

        flux_2_klein_9b_run = cls(
            id=id,
            flow_id=flow_id,
            model_id=model_id,
            comfyui_workflow_id=comfyui_workflow_id,
            target_type=target_type,
            target_version=target_version,
            org_id=org_id,
            status_code=status_code,
            source_code=source_code,
            input_=input_,
            output=output,
            context=context,
            duration_ms=duration_ms,
            cost=cost,
            cost_breakdown=cost_breakdown,
            nodes_total=nodes_total,
            nodes_completed=nodes_completed,
            resolved_template_id=resolved_template_id,
            batch_id=batch_id,
            client_ref=client_ref,
            jurisdiction_code=jurisdiction_code,
            flow_version_id=flow_version_id,
            request_id=request_id,
            created_by=created_by,
            created_at=created_at,
            started_at=started_at,
            completed_at=completed_at,
            callback_url=callback_url,
            metadata=metadata,
            has_logs=has_logs,
            has_node_runs=has_node_runs,
            links=links,
            failure_code=failure_code,
            failure_message=failure_message,
            failure_stage_code=failure_stage_code,
            node_runs=node_runs,
            logs=logs,
            flow=flow,
        )

        flux_2_klein_9b_run.additional_properties = d
        return flux_2_klein_9b_run

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
