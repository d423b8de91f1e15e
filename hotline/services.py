"""The core services one app wires together: settings, database, clock, cipher, and the two
ways out of the service (the outbound gateway and the mailer, used by the scheduler only)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from hotline.abuse.hashing import CallerHasher
from hotline.clock import Clock
from hotline.config import Settings
from hotline.crypto import DataCipher
from hotline.db import Database
from hotline.mail.mailer import Mailer
from hotline.telephony.gateway import OutboundGateway

EXTENSION_KEY = "hotline"


@dataclass
class Services:
    settings: Settings
    database: Database
    clock: Clock
    cipher: DataCipher
    hasher: CallerHasher
    gateway: OutboundGateway
    mailer: Mailer


def services(app: Flask | None = None) -> Services:
    return (app or current_app).extensions[EXTENSION_KEY]
