"""A faithful local fake of the OpenAI Realtime HTTP control plane, on the generated stubs.

Behaviour follows section 8 of the control-plane reference notes; `/__faults` (outside the
contract) switches faults on and off at run time so tests can flip them per test.
"""

from reference.fake_upstream.app import FakeState, Faults, create_fake_app

__all__ = ["FakeState", "Faults", "create_fake_app"]
