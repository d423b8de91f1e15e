"""The time-related sections of HOTLINE_CONFIG, validated once at start.

The opening hours and the scheduler process; queue, callback and appointment settings join
here as their issues land. Built by the composition root and handed to whoever needs it (no
global lookups).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hotline.abuse.config import AbuseConfig, AbuseConfigError, parse_abuse_config
from hotline.appointments.config import (
    AppointmentsConfig,
    AppointmentsConfigError,
    parse_appointments_config,
)
from hotline.callbacks.config import (
    CallbacksConfig,
    CallbacksConfigError,
    parse_callbacks_config,
)
from hotline.hours.config import HoursConfig, HoursConfigError, parse_hours_config
from hotline.retention.config import (
    RetentionConfig,
    RetentionConfigError,
    parse_retention_config,
)
from hotline.routing.config import RoutingConfig, RoutingConfigError, parse_routing_config
from hotline.scheduler.config import (
    SchedulerConfig,
    SchedulerConfigError,
    parse_scheduler_config,
)


class SchedulingConfigError(ValueError):
    """A section cannot be used; the message starts with the key to fix."""


@dataclass(frozen=True)
class SchedulingConfig:
    hours: HoursConfig
    scheduler: SchedulerConfig
    routing: RoutingConfig
    callbacks: CallbacksConfig
    appointments: AppointmentsConfig
    retention: RetentionConfig
    abuse: AbuseConfig


def load_scheduling_config(file_config: Mapping[str, Any]) -> SchedulingConfig:
    """From the parsed HOTLINE_CONFIG file (missing sections take the hotline's defaults)."""
    try:
        return SchedulingConfig(
            hours=parse_hours_config(file_config.get("hours", {})),
            scheduler=parse_scheduler_config(file_config.get("scheduler", {})),
            routing=parse_routing_config(file_config.get("routing", {})),
            callbacks=parse_callbacks_config(file_config.get("callbacks", {})),
            appointments=parse_appointments_config(file_config.get("appointments", {})),
            retention=parse_retention_config(file_config.get("retention", {})),
            abuse=parse_abuse_config(file_config.get("abuse", {})),
        )
    except (
        HoursConfigError,
        SchedulerConfigError,
        RoutingConfigError,
        CallbacksConfigError,
        AppointmentsConfigError,
        RetentionConfigError,
        AbuseConfigError,
    ) as error:
        raise SchedulingConfigError(str(error)) from error
