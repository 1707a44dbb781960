"""One settings object for the reference server: environment (`SERVICEAI_*`) and a file.

`SERVICEAI_CONFIG_FILE` names an optional JSON or TOML file; environment variables win over it.
Invalid settings stop start-up with one clear line per problem (`SettingsError`).
"""

from __future__ import annotations

import ipaddress
import json
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from reference.cors import normalize_origins

DEFAULT_TOOLS = (
    "reference.tools:get_weather",
    "reference.tools:get_time",
    "reference.tools:create_service_ticket",
)


class SettingsError(Exception):
    """Settings that cannot start the server; the message says what and why."""


class User(BaseModel):
    id: str
    organization_id: str | int
    entitlements: list[str] = Field(default_factory=list)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SERVICEAI_", extra="forbid")

    model: str = "gpt-realtime"
    default_voice: str = "marin"
    # push_to_talk (seed 001): the client commits each turn itself: turn_detection null upstream
    turn_detection: Literal["server_vad", "semantic_vad", "push_to_talk", "none"] = "server_vad"
    max_session_duration_seconds: int = Field(1800, gt=0, le=7200)
    client_secret_ttl_seconds: int = 600
    base_instructions: str = "You are Chatty, the ServiceAi voice assistant."
    language: str | None = None
    voice_accent: str | None = None
    voice_tone: str | None = None
    knowledge_base_path: Path | None = None
    workflow_stages_path: Path | None = None
    min_client_version: str = Field("1.0.0", pattern=r"^\d+\.\d+\.\d+$")
    upstream_base_url: str | None = None  # None: the fake upstream (make serve starts it)
    upstream_timeout_seconds: float = Field(10.0, gt=0)
    store_url: str | None = None  # redis://host:port/db; None: in-memory
    webrtc_rate_limit: int = Field(3, ge=1)  # per client IP per window
    mint_rate_limit: int = Field(10, ge=1)  # per user per window
    rate_limit_window_seconds: int = Field(60, ge=1)
    csrf_ttl_seconds: int = Field(300, ge=1)
    sdp_max_bytes: int = Field(64 * 1024, ge=64)
    tools: list[str] = Field(default_factory=lambda: list(DEFAULT_TOOLS))
    users: dict[str, User] = Field(default_factory=dict)  # bearer token -> user
    openai_api_key_file: Path | None = None
    allow_api_key_from_request: bool = False
    # Peers (addresses or networks) whose X-Forwarded-For is believed; empty: nobody's.
    trusted_proxies: list[str] = Field(default_factory=list)
    org_daily_session_quota: int = Field(1000, ge=1)  # minted sessions per organisation per UTC day
    operator_token: str | None = None  # bearer token of GET /ops/quota/{org}; None: endpoint off
    memory_store_max_entries: int = Field(100_000, ge=16)
    store_timeout_seconds: float = Field(1.0, gt=0)
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    max_json_depth: int = Field(64, ge=2)
    readiness_budget_ms: int = Field(5000, ge=1)  # the integration's health check budget
    # -- hardening (docs/operations.md, "Deployment"): the server, the upstream, memory --------
    readiness_interval_seconds: float = Field(2.0, gt=0)  # background refresh of /readyz
    server_header_timeout_seconds: float = Field(10.0, gt=0)  # a whole request head
    server_body_timeout_seconds: float = Field(30.0, gt=0)  # a whole request body
    server_keep_alive_seconds: int = Field(5, ge=1)  # idle between two requests
    server_graceful_shutdown_seconds: int = Field(20, ge=1)  # the drain at SIGTERM
    server_max_head_bytes: int = Field(64 * 1024, ge=1024)
    server_max_connections: int | None = Field(None, ge=8)  # None: under RLIMIT_NOFILE
    ipv6_limit_prefix: int = Field(64, ge=32, le=128)  # per-address limits count IPv6 by /64
    upstream_max_body_bytes: int = Field(256 * 1024, ge=4096)  # any one OpenAI answer
    upstream_max_connections: int = Field(32, ge=1)  # the pool of mints, calls and hang-ups
    store_max_connections: int = Field(16, ge=1)  # the Redis pool
    memory_store_max_entries_per_owner: int = Field(1024, ge=4)  # one user's share of the store
    ops_rate_limit: int = Field(30, ge=1)  # /ops/ requests per client address per minute
    # Browser origins allowed to call the API (reference/cors.py); empty: no CORS at all.
    cors_allowed_origins: list[str] = Field(default_factory=list)
    web_dir: Path | None = None  # the built web client (make web); None: web/dist
    contract_dir: Path | None = None  # openapi.json/.yaml served; None: the web contract package

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)  # ValueError names the bad entry
        return value

    @field_validator("cors_allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return normalize_origins(value)  # ValueError names the bad entry

    @field_validator("client_secret_ttl_seconds")
    @classmethod
    def _ttl(cls, value: int) -> int:
        if not 10 <= value <= 7200:
            raise ValueError(
                f"clientSecretTtlSeconds must be between 10 and 7200. Received: {value}"
            )
        return value

    def instructions(self) -> str:
        """Base instructions, then the language, accent and tone lines (as seed 002 builds them)."""
        lines = [self.base_instructions]
        if self.language:
            lines.append(f"Always reply in {self.language}.")
        if self.voice_accent:
            lines.append(f"Use a {self.voice_accent} accent while speaking.")
        if self.voice_tone:
            lines.append(f"Use a {self.voice_tone} tone while speaking.")
        return "\n".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Settings from the file named by SERVICEAI_CONFIG_FILE, the environment and `overrides`."""
    data: dict[str, Any] = {}
    path = os.environ.get("SERVICEAI_CONFIG_FILE")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
            data = tomllib.loads(text) if path.endswith(".toml") else json.loads(text)
        except (OSError, ValueError) as exc:
            raise SettingsError(f"cannot read SERVICEAI_CONFIG_FILE {path}: {exc}") from None
    env_names = {k[len("SERVICEAI_") :].lower() for k in os.environ if k.startswith("SERVICEAI_")}
    data = {k: v for k, v in data.items() if k not in env_names}
    try:
        return Settings(**{**data, **overrides})
    except ValidationError as exc:
        lines = [
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        ]
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None
