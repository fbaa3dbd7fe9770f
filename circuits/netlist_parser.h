#pragma once

#include <string>
#include <string_view>

#include "circuits/netlist.h"

// SPICE netlist syntax accepted by echolab
// =======================================
//
// The subset of ngspice that LC hardware needs, plus two nonlinear elements.
// Everything else is rejected with an echolab::InputError of the form
//   FILE:LINE:COLUMN: WHAT WAS WRONG: got 'TOKEN', expected WHAT WAS EXPECTED
// (LINE and COLUMN are 1-based; "got end of line" when a card ends too early).
//
// Lines
//   - The first line is the title; it is kept in Netlist::title and never parsed.
//   - The file must be UTF-8 text (a bad byte is an error at its line and column).
//   - A line whose first non-blank character is '*' is a comment.
//   - ';' anywhere, and '$' at the start of a line or after a blank and followed by a
//     blank or the end of the line, start an inline comment (not inside "quotes").
//   - A line whose first non-blank character is '+' continues the previous card
//     (comment and blank lines in between are allowed).
//   - Names, nodes, keywords and suffixes are case-insensitive; Netlist holds them
//     lower-cased. Quoted file names keep their case.
//   - Commas separate like blanks, except inside {expressions}.
//   - .end is optional, as in ngspice; any card after .end is an error.
//
// Values
//   value   := [sign] number | [sign] parameter-name | '{' expression '}'
//   number  := digits ['.' [digits]] ['e' [sign] digits] [suffix]   (also '.' digits ...)
//   suffix  := f (1e-15) | p (1e-12) | n (1e-9) | u (1e-6) | m (1e-3) | k (1e3)
//            | meg (1e6) | g (1e9) | t (1e12)
//   A suffix may not be followed by letters: "10pF" and "1mil" are errors, and
//   "1m" is a milli while "1meg" is a mega.
//   expression: + - * / ^ (or **), parentheses, unary minus, numbers with suffixes,
//   parameters defined by an EARLIER .param, pi, and sqrt exp log sin cos abs. ^ binds
//   tighter than unary minus (-2^2 = -4) and is right-associative (2^3^2 = 512).
//   Division by zero and results that are not finite numbers are errors. (ngspice's
//   .param does not know pi; the example netlists avoid it.)
//
// Cards (n+ n- are node names; "0" and "gnd" are ground; both nodes of an element
// must differ; element names must be unique)
//   Rname n+ n- value                         resistance in Ω, > 0
//   Lname n+ n- value [ic=value]              inductance in H, > 0; ic: current in A
//   Cname n+ n- value [ic=value]              capacitance in F, > 0; ic: voltage in V
//   Kname Lname1 Lname2 value                 coupling coefficient k, |k| < 1, of two
//                                             different inductors (L cards anywhere in
//                                             the file); one K per pair
//   Iname n+ n- source                        current source, A (flows from n+ through
//                                             the source to n-, as in SPICE)
//   Vname n+ n- source                        voltage source, V
//   .param name = value-or-expression {[,] name = value-or-expression}
//                                             braces optional; a name may not be
//                                             redefined, nor be pi or a function
//   .tran tstep tstop [tstart [tmax]] [uic]   tstep, tstop, tmax > 0; 0 <= tstart < tstop
//   .end
//   Any other dot-card (.control, .include, .model, .subckt, .print, ...) and any
//   other element letter (D, Q, M, X, E, G, ...) is an error.
//
// Sources
//   source := ['dc'] value
//           | 'sin' '(' vo va freq [td [theta [phase]]] ')'
//                 w = vo + va sin(φ) for t < td, else
//                 w = vo + va exp(-theta (t - td)) sin(2π freq (t - td) + φ),
//                 φ = phase π/180 (phase in degrees); freq > 0, td >= 0
//           | 'pulse' '(' v1 v2 td tr tf pw per ')'
//                 all seven required; td, tr, tf, pw >= 0; per > 0
//           | 'pwl' '(' t1 v1 t2 v2 ... ')'
//                 at least one pair; times strictly increasing; linear in between,
//                 end values held outside
//           | 'pwl' 'file' '=' "path"
//                 (LTspice-style; not ngspice) a CSV file, path relative to the
//                 netlist's directory, whose first line is a header "t,NAME" (e.g. "t,value")
//                 and whose other lines are "time_s,value" with plain numbers (no
//                 suffixes), times strictly increasing; blank lines are skipped.
//                 Read when the netlist is parsed; interpolated like PWL.
//
// Nonlinear elements (echolab extensions; ngspice does not accept them)
//   Bname n+ n- icrit=value [phase=value]
//   Bname n+ n- ej=value [phase=value]
//       A Josephson junction (the letter B as in JoSIM and WRspice): a nonlinear
//       inductor with the cosine potential U(φ) = E_J (1 - cos φ), φ = 2π Φ / Φ0 the
//       phase difference and Φ the branch flux. Exactly one of icrit (critical current
//       I_c in A, > 0) or ej (E_J in J, > 0), related by E_J = Φ0 I_c / 2π;
//       Element::value holds I_c. phase: the initial phase difference in rad.
//   Cname n+ n- value [ic=value] nl=value
//       A varactor (nonlinear capacitor): charge-voltage law V(Q) = Q / C0 + b Q³,
//       energy Q² / (2 C0) + b Q⁴ / 4, with C0 = value in F (> 0) and b = nl in V/C³
//       (>= 0, so that the energy is bounded below). Kind kVaractor.

namespace echolab {

/// Parses a netlist file. Throws InputError on the first error (or when the
/// file cannot be read); waveform files are resolved against its directory.
Netlist ParseNetlistFile(const std::string& path);

/// Parses netlist text (for tests); `source_name` stands in for the file name
/// in messages and its directory resolves waveform files.
Netlist ParseNetlistText(std::string_view text, const std::string& source_name);

}  // namespace echolab
