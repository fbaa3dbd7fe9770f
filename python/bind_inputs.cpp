// Inputs u(t): waveforms (constant, sine, sampled with linear or cubic
// interpolation, piecewise linear), channels with their time-reversal
// parity, and the input signal with its reversed replay.

#include "physics/input_signal.h"
#include "python/bindings.h"

namespace echolab::python {
namespace {

using WaveformClass = py::class_<Waveform, std::shared_ptr<Waveform>>;

std::vector<double> Column(const RowMatrix& values, Eigen::Index column) {
  std::vector<double> entries(static_cast<size_t>(values.rows()));
  for (Eigen::Index k = 0; k < values.rows(); ++k)
    entries[static_cast<size_t>(k)] = values(k, column);
  return entries;
}

// One sampled channel per column of `values` (samples × channels, or a 1-D
// array for one channel), all at `times_s`, with one parity.
InputSignal SampledSignal(const std::vector<double>& times_s, const py::array_t<double>& values,
                          Interpolation interpolation, Parity parity) {
  if (values.ndim() != 1 && values.ndim() != 2) {
    throw InputError(
        fmt::format("values: expected a 1-D array or a 2-D array (samples x "
                    "channels), got {} dimensions",
                    values.ndim()));
  }
  RowMatrix table =
      values.ndim() == 1 ? RowMatrix(py::cast<Vector>(values)) : py::cast<RowMatrix>(values);
  if (table.rows() != static_cast<Eigen::Index>(times_s.size())) {
    throw InputError(fmt::format("values: {} rows for {} times_s; expected one row per time",
                                 table.rows(), times_s.size()));
  }
  std::vector<InputChannel> channels;
  for (Eigen::Index c = 0; c < table.cols(); ++c) {
    channels.push_back(
        {std::make_shared<SampledWaveform>(times_s, Column(table, c), interpolation), parity});
  }
  return InputSignal(std::move(channels));
}

void BindWaveforms(py::module_& m) {
  py::enum_<Interpolation>(m, "Interpolation")
      .value("linear", Interpolation::kLinear)
      .value("cubic", Interpolation::kCubic);
  WaveformClass(m, "Waveform", "A scalar waveform w(t), t in s")
      .def("value", &Waveform::Value, py::arg("t_s"))
      .def("__call__", &Waveform::Value, py::arg("t_s"));
  py::class_<ConstantWaveform, Waveform, std::shared_ptr<ConstantWaveform>>(m, "Constant")
      .def(py::init<double>(), py::arg("value"));
  py::class_<SineWaveform, Waveform, std::shared_ptr<SineWaveform>>(
      m, "Sine", "w(t) = offset + amplitude sin(2 pi f t + phase)")
      .def(py::init<double, double, double, double>(), py::arg("amplitude"),
           py::arg("frequency_Hz"), py::arg("phase_rad") = 0.0, py::arg("offset") = 0.0);
  py::class_<SampledWaveform, Waveform, std::shared_ptr<SampledWaveform>>(
      m, "Sampled", "Samples (t_k, w_k) interpolated linearly or by a natural cubic spline")
      .def(py::init<std::vector<double>, std::vector<double>, Interpolation>(), py::arg("times_s"),
           py::arg("values"), py::arg("interpolation") = Interpolation::kLinear);
  m.def(
      "PiecewiseLinear",
      [](std::vector<double> times_s, std::vector<double> values) {
        return std::make_shared<SampledWaveform>(std::move(times_s), std::move(values),
                                                 Interpolation::kLinear);
      },
      py::arg("times_s"), py::arg("values"), "Breakpoints joined linearly, end values held");
}

void BindSignal(py::module_& m) {
  py::enum_<Parity>(m, "Parity").value("even", Parity::kEven).value("odd", Parity::kOdd);
  py::class_<InputChannel>(m, "Channel", "A waveform with its parity under time reversal")
      .def(py::init([](std::shared_ptr<Waveform> waveform, Parity parity) {
             return InputChannel{std::move(waveform), parity};
           }),
           py::arg("waveform"), py::arg("parity") = Parity::kEven)
      .def_readonly("parity", &InputChannel::parity);
  py::class_<InputSignal>(m, "Input", "u(t): one waveform per channel, each with its parity")
      .def(py::init<>())
      .def(py::init<std::vector<InputChannel>>(), py::arg("channels"))
      .def(py::init([](const std::vector<std::shared_ptr<Waveform>>& waveforms) {
             std::vector<InputChannel> channels;
             for (const auto& waveform : waveforms) channels.push_back({waveform, Parity::kEven});
             return InputSignal(std::move(channels));
           }),
           py::arg("waveforms"), "Even channels, one per waveform")
      .def_static("sampled", &SampledSignal, py::arg("times_s"), py::arg("values"),
                  py::arg("interpolation") = Interpolation::kLinear,
                  py::arg("parity") = Parity::kEven,
                  "One channel per column of values (samples x channels)")
      .def_property_readonly("num_channels", &InputSignal::num_channels)
      .def("value", &InputSignal::Value, py::arg("t_s"))
      .def("reversed_replay", &InputSignal::ReversedReplay, py::arg("duration_s"),
           "u_e(s) = P u(T - s), what the echo sees")
      .def("with_time_jitter", &InputSignal::WithTimeJitter, py::arg("jitter_s"), py::arg("bin_s"),
           py::arg("seed"));
  py::implicitly_convertible<py::list, InputSignal>();
}

}  // namespace

void BindInputs(py::module_& m) {
  BindWaveforms(m);
  BindSignal(m);
}

}  // namespace echolab::python
