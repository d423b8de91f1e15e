"""What the webhooks were given at app start: the call-flow runner (with its settings)."""

from __future__ import annotations

from flask import Flask, current_app

from ivr_flows.runner import CallFlowRunner

RUNNER_KEY = "call_flow_runner"


def flow_runner(app: Flask | None = None) -> CallFlowRunner:
    return (app or current_app).extensions[RUNNER_KEY]
