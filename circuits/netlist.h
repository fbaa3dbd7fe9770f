#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "circuits/source_text.h"
#include "circuits/spice_waveforms.h"

namespace echolab {

/// The magnetic flux quantum Φ0 = h / 2e, in Wb.
inline constexpr double kFluxQuantum_Wb = 2.067833848e-15;

/// The Josephson energy E_J = Φ0 I_c / 2π of a junction with critical
/// current I_c, in J.
double JosephsonEnergy_J(double critical_current_A);
/// The critical current I_c = 2π E_J / Φ0 of a junction with energy E_J, in A.
double CriticalCurrent_A(double josephson_energy_J);

enum class ElementKind {
  kResistor,           // R
  kInductor,           // L
  kCapacitor,          // C
  kMutualInductance,   // K
  kCurrentSource,      // I
  kVoltageSource,      // V
  kJosephsonJunction,  // B
  kVaractor,           // C with nl=
};

/// The time dependence of an independent source, as written in the netlist.
struct SourceWaveform {
  enum class Kind { kDc, kSin, kPulse, kPwl, kFile };
  Kind kind = Kind::kDc;
  /// kDc: {value}. kSin: {vo, va, freq_Hz, td_s, theta_per_s, phase_deg}.
  /// kPulse: {v1, v2, td_s, tr_s, tf_s, pw_s, per_s}. Omitted optional
  /// arguments hold their defaults (0). Empty for kPwl and kFile.
  std::vector<double> parameters;
  /// kPwl and kFile: the breakpoints, times strictly increasing.
  std::vector<double> times_s;
  std::vector<double> values;
  /// kFile: the CSV file, resolved against the netlist's directory.
  std::string file_path;

  /// The waveform w(t) (A for I, V for V): constant, damped sine, pulse, or
  /// breakpoints interpolated linearly with the end values held outside;
  /// with its exact integral and derivative.
  std::shared_ptr<const SpiceWaveform> MakeWaveform() const;
};

/// One element card. Names and nodes are lower-cased; ground ("0" or "gnd")
/// is "0".
struct Element {
  ElementKind kind = ElementKind::kResistor;
  std::string name;
  /// The two terminals (n+ then n-); empty for K.
  std::vector<std::string> nodes;
  /// R: resistance in Ω. L: inductance in H. C: capacitance in F. Varactor:
  /// small-signal capacitance C0 in F. K: the coupling coefficient k.
  /// B: critical current I_c in A. Sources: 0 (see `waveform`).
  double value = 0.0;
  /// ic= of L (initial current, A), C and varactors (initial voltage, V);
  /// phase= of B (initial phase difference, rad).
  std::optional<double> initial_condition;
  /// Varactor: b in V/C³ of the charge-voltage law V(Q) = Q / C0 + b Q³.
  double cubic_coefficient_V_per_C3 = 0.0;
  /// K: the names of the two coupled inductors.
  std::array<std::string, 2> coupled_inductors;
  /// I and V: the source waveform.
  std::optional<SourceWaveform> waveform;
  /// The file of the card (the netlist, or a file it includes) and the
  /// card's position in it. Elements of a subcircuit instance point at the
  /// card inside the .subckt definition.
  std::string file;
  SourceLocation location;
};

/// .tran tstep tstop [tstart [tmax]] [uic]
struct TranCard {
  double step_s = 0.0;
  double stop_s = 0.0;
  double start_s = 0.0;
  std::optional<double> max_step_s;
  bool use_initial_conditions = false;
  SourceLocation location;
};

/// The .options that echolab reads (the others are ignored with a warning).
/// echolab's passes take their steps and tolerances from its own options
/// (simulate: a fixed step; gradcheck: --step, --rtol, --atol); these are
/// kept so that a netlist written back gives ngspice the same tolerances.
struct SpiceOptions {
  std::optional<double> reltol;    // relative tolerance, 0 < reltol < 1
  std::optional<double> abstol_A;  // absolute current tolerance, > 0
};

/// A parsed netlist: plain data, in the order of the file, with .include and
/// .lib files read and subcircuit instances flattened (element "c3" of
/// instance "x1" is named "x1.c3", its inner node "n" is "x1.n").
struct Netlist {
  std::string title;
  std::vector<Element> elements;
  /// The top-level .param values by lower-cased name.
  std::map<std::string, double> params;
  std::optional<TranCard> tran;
  SpiceOptions options;
  std::string source_file;
  /// What was read but ignored, one message per kind of card or option:
  /// "FILE:LINE:COLUMN: .print skipped (2 cards): ..."; the commands print them.
  std::vector<std::string> warnings;

  /// The element with this (case-insensitive) name, or nullptr.
  const Element* Find(const std::string& name) const;
};

}  // namespace echolab
