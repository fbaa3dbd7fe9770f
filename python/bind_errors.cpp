// echolab's exceptions as Python exceptions with the same messages:
//   InputError (a ValueError): bad input, naming the field or file:line:column;
//   SolverError (a RuntimeError): a pass or gradient that failed numerically;
//   OutputError (an OSError): a file that could not be written.

#include "common/error.h"
#include "common/output_file.h"
#include "python/bindings.h"

namespace echolab::python {

void BindErrors(py::module_& m) {
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
  py::register_exception<SolverError>(m, "SolverError", PyExc_RuntimeError);
  py::register_exception<OutputError>(m, "OutputError", PyExc_OSError);
}

}  // namespace echolab::python
