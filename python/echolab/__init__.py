"""echolab from Python: Hamiltonian substrates, their integrators, and their
gradients by Hamiltonian echo learning, the continuous adjoint (CVODES), BPTT
and finite differences. The API is described in docs/python.md."""

from ._echolab import *  # noqa: F401,F403
from ._echolab import __doc__  # noqa: F401
