"""`RawResponse`: what a `with_raw_response` call returns (part of the SDK runtime)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")


class RawResponse(Generic[T]):
    """The HTTP response of a call, before the SDK turns it into a value or an exception.

    `.parse()` gives what the normal call returns, and raises what the normal call raises.
    """

    def __init__(
        self,
        http_response: httpx.Response,
        parser: Callable[[httpx.Response], Any],
        validation_errors: list[dict[str, Any]] | None = None,
    ) -> None:
        self._http_response = http_response
        self._parser = parser
        self._validation_errors = validation_errors if validation_errors is not None else []

    @property
    def validation_errors(self) -> list[dict[str, Any]]:
        """What did not validate in the body `.parse()` built (a lenient client); [] when all did."""
        return self._validation_errors

    @property
    def http_response(self) -> httpx.Response:
        return self._http_response

    @property
    def status_code(self) -> int:
        return self._http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self._http_response.headers

    @property
    def content_type(self) -> str | None:
        value = self._http_response.headers.get("content-type")
        return None if value is None else str(value)

    @property
    def request_id(self) -> str | None:
        """The server's id of this request (`x-request-id` or a vendor's header), if sent."""
        from ._errors import request_id

        return request_id(self._http_response.headers)

    @property
    def retry_count(self) -> int:
        """How many times the call was retried before this response."""
        sent = self._http_response.request.headers.get("x-retry-count")
        return int(sent) if sent and sent.isdigit() else 0

    @property
    def content(self) -> bytes:
        return self._http_response.content

    @property
    def text(self) -> str:
        return self._http_response.text

    def parse(self) -> T:
        return cast(T, self._parser(self._http_response))

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] {self.content_type or ''}>"
