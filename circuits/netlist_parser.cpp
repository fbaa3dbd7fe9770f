#include "circuits/netlist_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>

#include "circuits/expression.h"
#include "circuits/netlist_includes.h"
#include "circuits/netlist_lexer.h"
#include "circuits/netlist_subcircuits.h"
#include "circuits/waveform_file.h"
#include "common/error.h"
#include "physics/input_file.h"
#include "physics/integrator_options.h"
#include "physics/lower_case.h"

namespace echolab {
namespace {

constexpr std::string_view kValueExpected = "a number, a parameter name or {expression}";

std::string Describe(SourceLocation location) {
  return fmt::format("line {}, column {}", location.line, location.column);
}

// Reads the tokens of one card in order, failing with the card's locations.
class TokenReader {
 public:
  TokenReader(const Card& card, const std::string& file)
      : card_(card), file_(file), tokens_(Tokenize(card, file)) {}

  bool AtEnd() const { return next_ >= tokens_.size(); }
  // The next token, or nullptr at the end.
  const Token* Peek(size_t ahead = 0) const {
    return next_ + ahead < tokens_.size() ? &tokens_[next_ + ahead] : nullptr;
  }
  bool NextIs(Token::Kind kind) const { return Peek() != nullptr && Peek()->kind == kind; }
  bool NextIsWord(std::string_view lower_word) const {
    return NextIs(Token::Kind::kWord) && Lower(Text(*Peek())) == lower_word;
  }
  // Takes the next token; fails at the end of the card.
  const Token& Take(std::string_view what, std::string_view expected) {
    if (AtEnd()) Fail(nullptr, what, expected);
    return tokens_[next_++];
  }
  // Takes the next token, which must be of `kind`.
  const Token& Take(Token::Kind kind, std::string_view what, std::string_view expected) {
    if (!NextIs(kind)) Fail(Peek(), what, expected);
    return tokens_[next_++];
  }
  void ExpectEnd(std::string_view what, std::string_view expected) const {
    if (!AtEnd()) Fail(Peek(), what, expected);
  }

  std::string_view Text(const Token& token) const {
    return std::string_view(card_.text).substr(token.begin, token.end - token.begin);
  }
  SourceLocation Location(const Token* token) const {
    return token == nullptr ? card_.end : card_.LocationAt(token->begin);
  }
  // Fails at `token`, or at the end of the card for nullptr.
  [[noreturn]] void Fail(const Token* token, std::string_view what,
                         std::string_view expected) const {
    ThrowInputError(file_, Location(token), what,
                    DescribeToken(token == nullptr ? std::string_view() : Text(*token)), expected);
  }

  const Card& card() const { return card_; }
  const std::string& file() const { return file_; }

 private:
  const Card& card_;
  const std::string& file_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

// A value with the token it came from.
struct ValueToken {
  double value;
  const Token* token;
};

// The name=value options of an element card (e.g. ic=1m) by lower-cased name.
using Options = std::map<std::string, ValueToken, std::less<>>;

// Where cards are read: the top level, or the body of a subcircuit instance,
// whose element names and inner nodes get the instance's prefix ("x1.") and
// whose ports stand for the instance's nodes.
struct Scope {
  std::string prefix;
  std::map<std::string, std::string> ports;
  ParameterTable params;
  std::map<std::string, SourceLocation> param_locations;
  std::vector<std::string> open_subcircuits;  // outermost first
};

// The deepest nesting of subcircuit instances.
constexpr size_t kMaxInstanceDepth = 50;

// A .ic V(node)=value, applied when every element is known.
struct NodeInitialVoltage {
  std::string node;
  double voltage_V;
  std::string file;
  SourceLocation location;
};

// Cards that are read and skipped, one warning per kind.
struct SkippedKind {
  std::string kind;
  std::string first_location;  // FILE:LINE:COLUMN
  std::string reason;
  int count = 0;
};

// "c.x1.c3" (ngspice's name of a flattened element) is "x1.c3".
std::string WithoutFlatteningLetter(const std::string& name) {
  return name.size() > 2 && name[1] == '.' ? name.substr(2) : name;
}

class NetlistParser {
 public:
  explicit NetlistParser(std::string file) { netlist_.source_file = std::move(file); }

  Netlist Parse(std::string_view text) {
    const NetlistSource source = ReadNetlistSource(text, netlist_.source_file);
    netlist_.title = source.title;
    for (const SourcedCard& block : source.control_blocks) {
      Skip(".control", block.file, block.card.LocationAt(0),
           "echolab runs the netlist's .tran itself; the block is for ngspice");
    }
    split_ = SplitSubcircuits(source.cards);
    for (const SourcedCard* card : split_.top_level) ParseCard(*card);
    CheckCouplings();
    ApplyNodeInitialVoltages();
    netlist_.params.insert(top_.params.begin(), top_.params.end());
    for (const SkippedKind& skipped : skipped_) {
      const char* unit = skipped.kind == ".control" ? "block" : "card";
      netlist_.warnings.push_back(fmt::format("{}: {} skipped ({} {}{}): {}",
                                              skipped.first_location, skipped.kind, skipped.count,
                                              unit, skipped.count == 1 ? "" : "s", skipped.reason));
    }
    return std::move(netlist_);
  }

 private:
  // card := dot-card | element-card
  void ParseCard(const SourcedCard& sourced) {
    file_ = sourced.file;
    const Card& card = sourced.card;
    TokenReader reader(card, file_);
    const Token& first = reader.Take(Token::Kind::kWord, "bad card", "an element or a dot-card");
    const std::string keyword = Lower(reader.Text(first));
    if (end_location_) {
      reader.Fail(&first, "card after .end",
                  "nothing after the .end at " + Describe(*end_location_));
    }
    if (keyword[0] == '.') {
      ParseDotCard(keyword, first, &reader);
    } else {
      ParseElement(keyword, first, &reader);
    }
  }

  // dot-card := '.param' ... | '.tran' ... | '.ic' ... | '.options' ... | '.end'
  //           | a card that ngspice runs and echolab skips (SkipReason)
  void ParseDotCard(const std::string& keyword, const Token& first, TokenReader* reader) {
    if (keyword == ".param") {
      ParseParam(reader);
      return;
    }
    if (!scope_->open_subcircuits.empty()) {
      reader->Fail(&first, "dot-card inside a .subckt",
                   "element cards, X instances and .param only (the .subckt '" +
                       scope_->open_subcircuits.back() + "' is being expanded)");
    }
    if (keyword == ".tran") {
      ParseTran(first, reader);
    } else if (keyword == ".ic") {
      ParseNodeInitialVoltages(reader);
    } else if (keyword == ".options" || keyword == ".option" || keyword == ".opt") {
      ParseOptionsCard(reader);
    } else if (keyword == ".end") {
      reader->ExpectEnd("text after .end", "end of line");
      end_location_ = reader->Location(&first);
    } else if (const std::string_view reason = SkipReason(keyword); !reason.empty()) {
      Skip(keyword, file_, reader->Location(&first), reason);
    } else {
      reader->Fail(&first, "unsupported dot-card",
                   "one of .param, .tran, .ic, .options, .include, .lib, .subckt, .ends, .end, "
                   "or one that is skipped (.control, .print, .probe, .save, .meas, .op, .ac)");
    }
  }

  // Why a dot-card for ngspice's own output and analyses is skipped; empty
  // for the others.
  static std::string_view SkipReason(const std::string& keyword) {
    if (keyword == ".print" || keyword == ".probe" || keyword == ".save") {
      return "echolab writes every node voltage (simulate: voltages.csv)";
    }
    if (keyword == ".meas" || keyword == ".measure") return "echolab evaluates no measurements";
    if (keyword == ".op") {
      return "echolab starts from the ic= and .ic values, not from a DC operating point";
    }
    if (keyword == ".ac") return "echolab runs the transient analysis (.tran) only";
    return {};
  }

  void Skip(const std::string& kind, const std::string& file, SourceLocation location,
            std::string_view reason) {
    const auto found = std::find_if(skipped_.begin(), skipped_.end(),
                                    [&](const SkippedKind& k) { return k.kind == kind; });
    if (found != skipped_.end()) {
      ++found->count;
      return;
    }
    skipped_.push_back({kind, fmt::format("{}:{}:{}", file, location.line, location.column),
                        std::string(reason), 1});
  }

  // ic-card := '.ic' { 'v' '(' node ')' '=' value }
  void ParseNodeInitialVoltages(TokenReader* reader) {
    constexpr std::string_view kExpected = "V(node)=value";
    do {
      const Token& v = reader->Take(Token::Kind::kWord, "bad .ic", kExpected);
      if (Lower(reader->Text(v)) != "v") reader->Fail(&v, "bad .ic", kExpected);
      reader->Take(Token::Kind::kOpen, "bad .ic", "'(' after V");
      const Token& node_token = reader->Take(Token::Kind::kWord, "bad .ic", "a node name");
      const std::string node = MapNode(Lower(reader->Text(node_token)));
      if (node == "0") reader->Fail(&node_token, "bad .ic", "a node other than ground");
      reader->Take(Token::Kind::kClose, "bad .ic", "')' after the node");
      reader->Take(Token::Kind::kEquals, "bad .ic", "'=' after V(node)");
      const double voltage_V = ParseValue(reader).value;
      node_initial_voltages_.push_back({node, voltage_V, file_, reader->Location(&node_token)});
    } while (!reader->AtEnd());
  }

  // With .ic, a capacitor without ic= starts at V(n+) - V(n-) of the .ic
  // voltages (0 for a node that .ic does not name), as ngspice's uic does.
  void ApplyNodeInitialVoltages() {
    if (node_initial_voltages_.empty()) return;
    std::map<std::string, double> voltages{{"0", 0.0}};
    for (const Element& element : netlist_.elements) {
      for (const std::string& node : element.nodes) voltages.emplace(node, 0.0);
    }
    for (const NodeInitialVoltage& ic : node_initial_voltages_) {
      const auto found = voltages.find(ic.node);
      if (found == voltages.end()) {
        ThrowInputError(ic.file, ic.location, "unknown node in .ic", DescribeToken(ic.node),
                        "a node of the netlist's elements");
      }
      found->second = ic.voltage_V;
    }
    for (Element& element : netlist_.elements) {
      const bool capacitor = element.kind == ElementKind::kCapacitor ||
                             element.kind == ElementKind::kVaractor;
      if (!capacitor || element.initial_condition) continue;
      element.initial_condition = voltages.at(element.nodes[0]) - voltages.at(element.nodes[1]);
    }
  }

  // options-card := '.options' { name ['=' value] }; reltol and abstol are
  // read, the others skipped with a warning.
  void ParseOptionsCard(TokenReader* reader) {
    while (!reader->AtEnd()) {
      const Token& name_token = reader->Take(Token::Kind::kWord, "bad .options", "name[=value]");
      const std::string name = Lower(reader->Text(name_token));
      const bool has_value = reader->NextIs(Token::Kind::kEquals);
      if (name == "reltol" || name == "abstol") {
        reader->Take(Token::Kind::kEquals, "bad .options", "'=' after " + name);
        const ValueToken value = ParseValue(reader);
        const bool reltol = name == "reltol";
        if (!(value.value > 0.0 && (!reltol || value.value < 1.0))) {
          reader->Fail(value.token, "bad ." + name, reltol ? "0 < reltol < 1" : "abstol > 0 in A");
        }
        (reltol ? netlist_.options.reltol : netlist_.options.abstol_A) = value.value;
        continue;
      }
      if (has_value) {
        reader->Take("", "");
        reader->Take("option value", "a value after '='");
      }
      Skip("option " + name, file_, reader->Location(&name_token),
           "echolab reads the options reltol and abstol only");
    }
  }

  // param-card := '.param' assignment { assignment }
  // assignment := name '=' ( '{' expression '}' | expression-tokens )
  // An unbraced expression runs up to the next "name =" or the end of the card.
  void ParseParam(TokenReader* reader) {
    do {
      const Token& name_token =
          reader->Take(Token::Kind::kWord, "bad .param", "a parameter name followed by '='");
      const std::string name = CheckParamName(name_token, *reader);
      reader->Take(Token::Kind::kEquals, "bad .param", "'=' after the parameter name");
      scope_->params[name] = ParseParamValue(reader);
      scope_->param_locations[name] = reader->Location(&name_token);
    } while (!reader->AtEnd());
  }

  std::string CheckParamName(const Token& token, const TokenReader& reader) const {
    const std::string name = Lower(reader.Text(token));
    const bool name_like =
        (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    if (!name_like) {
      reader.Fail(&token, "bad parameter name",
                  "a name of letters, digits and '_' that starts with a letter or '_'");
    }
    if (IsReservedName(name)) {
      reader.Fail(&token, "reserved parameter name",
                  "a name other than pi, sqrt, exp, log, sin, cos and abs");
    }
    if (const auto found = scope_->param_locations.find(name); found != scope_->param_locations.end()) {
      reader.Fail(&token, "parameter defined twice",
                  "a name not defined at " + Describe(found->second));
    }
    return name;
  }

  double ParseParamValue(TokenReader* reader) const {
    if (reader->NextIs(Token::Kind::kExpression)) return ParseValue(reader).value;
    const Token* first = reader->Peek();
    const Token* last = nullptr;
    while (const Token* token = reader->Peek()) {
      const bool expression_part = token->kind == Token::Kind::kWord ||
                                   token->kind == Token::Kind::kOpen ||
                                   token->kind == Token::Kind::kClose;
      const Token* after = reader->Peek(1);
      const bool next_assignment = token->kind == Token::Kind::kWord && after != nullptr &&
                                   after->kind == Token::Kind::kEquals;
      if (!expression_part || next_assignment) break;
      last = &reader->Take("", "");
    }
    if (last == nullptr) reader->Fail(first, "bad .param", "a value or an expression after '='");
    return EvaluateExpression({reader->card(), file_, first->begin, last->end}, scope_->params);
  }

  // The simulation runs tstop / min(tstep, tmax) steps, which must stay
  // within the default step budget, integrator.max_steps.
  static void CheckTranStepCount(const TranCard& tran, const Token& first,
                                 const TokenReader& reader) {
    const double step_s = std::min(tran.step_s, tran.max_step_s.value_or(tran.step_s));
    const double steps = std::ceil(tran.stop_s / step_s);
    const long max_steps = IntegratorOptions{}.max_steps;
    if (!(steps <= static_cast<double>(max_steps))) {
      reader.Fail(&first, "bad .tran step",
                  fmt::format("at most integrator.max_steps = {} steps of tstep (or tmax) up to "
                              "tstop; tstop {:.6g} s / tstep {:.6g} s needs {:.6g}",
                              max_steps, tran.stop_s, step_s, steps));
    }
  }

  // tran-card := '.tran' tstep tstop [tstart [tmax]] ['uic']
  void ParseTran(const Token& first, TokenReader* reader) {
    if (netlist_.tran) {
      reader->Fail(&first, "second .tran",
                   "one .tran only (the first is at " + Describe(netlist_.tran->location) + ")");
    }
    TranCard tran;
    tran.location = reader->Location(&first);
    tran.step_s = ParsePositive(reader, "bad .tran step", "tstep");
    tran.stop_s = ParsePositive(reader, "bad .tran stop time", "tstop");
    if (!reader->AtEnd() && !reader->NextIsWord("uic")) {
      const ValueToken start = ParseValue(reader);
      if (!(start.value >= 0.0 && start.value < tran.stop_s)) {
        reader->Fail(start.token, "bad .tran start time", "0 <= tstart < tstop");
      }
      tran.start_s = start.value;
      if (!reader->AtEnd() && !reader->NextIsWord("uic")) {
        tran.max_step_s = ParsePositive(reader, "bad .tran maximum step", "tmax");
      }
    }
    if (reader->NextIsWord("uic")) {
      reader->Take("", "");
      tran.use_initial_conditions = true;
    }
    reader->ExpectEnd("bad .tran", "end of line after tstep tstop [tstart [tmax]] [uic]");
    CheckTranStepCount(tran, first, *reader);
    netlist_.tran = tran;
  }

  // element-card := R... | L... | C... | K... | I... | V... | B...
  void ParseElement(const std::string& name, const Token& first, TokenReader* reader) {
    if (name[0] == 'x') {
      ParseInstance(name, first, reader);
      return;
    }
    Element element;
    element.name = scope_->prefix + WithoutFlatteningLetter(name);
    element.file = file_;
    element.location = reader->Location(&first);
    CheckUniqueName(element, first, *reader);
    switch (name[0]) {
      case 'r':
        ParseResistor(reader, &element);
        break;
      case 'l':
        ParseInductor(reader, &element);
        break;
      case 'c':
        ParseCapacitor(reader, &element);
        break;
      case 'k':
        ParseCoupling(reader, &element);
        break;
      case 'i':
        ParseSource(ElementKind::kCurrentSource, reader, &element);
        break;
      case 'v':
        ParseSource(ElementKind::kVoltageSource, reader, &element);
        break;
      case 'b':
        ParseJunction(reader, &element);
        break;
      default:
        reader->Fail(&first, "unsupported element",
                     "an element name starting with R, L, C, K, I, V, B or X, or a dot-card");
    }
    element_locations_[element.name] = element.location;
    netlist_.elements.push_back(std::move(element));
  }

  // A node of the card in the current scope: ground, the outer node of a
  // port, or an inner node with the instance's prefix.
  std::string MapNode(const std::string& node) const {
    if (node == "0" || node == "gnd") return "0";
    if (const auto port = scope_->ports.find(node); port != scope_->ports.end()) {
      return port->second;
    }
    return scope_->prefix + node;
  }

  // instance := Xname node... subcircuit ['params:'] { name '=' value }
  void ParseInstance(const std::string& name, const Token& first, TokenReader* reader) {
    constexpr std::string_view kExpected = "Xname NODE... SUBCIRCUIT [NAME=VALUE ...]";
    std::vector<const Token*> words;
    while (reader->NextIs(Token::Kind::kWord) && !NextIsAssignment(*reader) &&
           !reader->NextIsWord("params:")) {
      words.push_back(&reader->Take("", ""));
    }
    if (words.empty()) reader->Fail(reader->Peek(), "bad subcircuit instance", kExpected);
    const Token* subcircuit_token = words.back();
    words.pop_back();
    const Subcircuit& subcircuit = FindSubcircuit(*subcircuit_token, *reader);
    if (words.size() != subcircuit.ports.size()) {
      reader->Fail(subcircuit_token,
                   fmt::format("{} nodes for the subcircuit", words.size()),
                   fmt::format("{} nodes ({})", subcircuit.ports.size(),
                               fmt::join(subcircuit.ports, " ")));
    }
    Scope inner{.prefix = scope_->prefix + name + ".",
                .params = top_.params,
                .open_subcircuits = scope_->open_subcircuits};
    inner.open_subcircuits.push_back(subcircuit.name);
    for (size_t i = 0; i < words.size(); ++i) {
      inner.ports[subcircuit.ports[i]] = MapNode(Lower(reader->Text(*words[i])));
    }
    const std::string instance = scope_->prefix + name;
    if (const auto found = element_locations_.find(instance); found != element_locations_.end()) {
      reader->Fail(&first, "duplicate element name",
                   "a name not used by the element at " + Describe(found->second));
    }
    element_locations_[instance] = reader->Location(&first);
    SetParameters(subcircuit, reader, &inner.params);
    Scope* outer = scope_;
    const std::string outer_file = file_;
    scope_ = &inner;
    for (const SourcedCard* card : subcircuit.body) ParseCard(*card);
    scope_ = outer;
    file_ = outer_file;
  }

  static bool NextIsAssignment(const TokenReader& reader) {
    return reader.NextIs(Token::Kind::kWord) && reader.Peek(1) != nullptr &&
           reader.Peek(1)->kind == Token::Kind::kEquals;
  }

  // The subcircuit named by `token`, which is not being expanded already.
  const Subcircuit& FindSubcircuit(const Token& token, const TokenReader& reader) const {
    const std::string name = Lower(reader.Text(token));
    const auto found = split_.subcircuits.find(name);
    if (found == split_.subcircuits.end()) {
      std::vector<std::string> names;
      for (const auto& [defined, unused] : split_.subcircuits) names.push_back(defined);
      reader.Fail(&token, "unknown subcircuit",
                  names.empty() ? std::string("a subcircuit defined by .subckt (there is none)")
                                : fmt::format("one of {}", fmt::join(names, ", ")));
    }
    const std::vector<std::string>& open = scope_->open_subcircuits;
    if (std::find(open.begin(), open.end(), name) != open.end()) {
      reader.Fail(&token, "subcircuit instantiates itself",
                  fmt::format("no cycle of instances ({} -> {})", fmt::join(open, " -> "), name));
    }
    if (open.size() >= kMaxInstanceDepth) {
      reader.Fail(&token, "subcircuit instances nested too deeply",
                  fmt::format("at most {} levels", kMaxInstanceDepth));
    }
    return found->second;
  }

  // The parameters of an instance: the .subckt's defaults (evaluated with the
  // top-level .param values), then the instance's NAME=VALUE (evaluated in
  // the scope of the instance card), each a parameter of the .subckt.
  void SetParameters(const Subcircuit& subcircuit, TokenReader* reader, ParameterTable* params) {
    std::map<std::string, double> defaults;
    {
      const std::string instance_file = file_;
      Scope* instance_scope = scope_;
      file_ = subcircuit.header->file;
      scope_ = &top_;
      TokenReader header(subcircuit.header->card, file_);
      for (size_t i = 0; i < subcircuit.first_parameter_token; ++i) header.Take("", "");
      for (const auto& [name, value] : ParseAssignments(&header, "bad .subckt parameter")) {
        defaults[name] = value.value;
      }
      file_ = instance_file;
      scope_ = instance_scope;
    }
    if (reader->NextIsWord("params:")) reader->Take("", "");
    for (const auto& [name, value] : ParseAssignments(reader, "bad subcircuit instance")) {
      if (!defaults.contains(name)) {
        std::vector<std::string> names;
        for (const auto& [known, unused] : defaults) names.push_back(known);
        reader->Fail(value.name_token, "unknown subcircuit parameter",
                     names.empty() ? fmt::format("no parameters ('{}' has none)", subcircuit.name)
                                   : fmt::format("one of {}", fmt::join(names, ", ")));
      }
      defaults[name] = value.value;
    }
    for (const auto& [name, value] : defaults) (*params)[name] = value;
  }

  struct Assignment {
    double value;
    const Token* name_token;
  };

  // assignments := { name '=' value } up to the end of the card.
  std::vector<std::pair<std::string, Assignment>> ParseAssignments(TokenReader* reader,
                                                                   std::string_view what) {
    std::vector<std::pair<std::string, Assignment>> assignments;
    while (!reader->AtEnd()) {
      const Token& name = reader->Take(Token::Kind::kWord, what, "NAME=VALUE");
      reader->Take(Token::Kind::kEquals, what, "'=' after the parameter name");
      assignments.emplace_back(Lower(reader->Text(name)), Assignment{ParseValue(reader).value, &name});
    }
    return assignments;
  }

  void CheckUniqueName(const Element& element, const Token& first,
                       const TokenReader& reader) const {
    if (const auto found = element_locations_.find(element.name);
        found != element_locations_.end()) {
      reader.Fail(&first, "duplicate element name",
                  "a name not used by the element at " + Describe(found->second));
    }
  }

  // Rname n+ n- value
  void ParseResistor(TokenReader* reader, Element* element) const {
    element->kind = ElementKind::kResistor;
    ParseNodes(reader, element);
    element->value = ParsePositive(reader, "bad resistance", "a resistance in ohm");
    reader->ExpectEnd("unexpected text after the resistance", "end of line");
  }

  // Lname n+ n- value [ic=value]
  void ParseInductor(TokenReader* reader, Element* element) const {
    element->kind = ElementKind::kInductor;
    ParseNodes(reader, element);
    element->value = ParsePositive(reader, "bad inductance", "an inductance in H");
    const Options options = ParseOptions(reader, {"ic"}, "ic=");
    if (options.contains("ic")) element->initial_condition = options.at("ic").value;
  }

  // Cname n+ n- value [ic=value] [nl=value]; nl= makes it a varactor.
  void ParseCapacitor(TokenReader* reader, Element* element) const {
    element->kind = ElementKind::kCapacitor;
    ParseNodes(reader, element);
    element->value = ParsePositive(reader, "bad capacitance", "a capacitance in F");
    const Options options = ParseOptions(reader, {"ic", "nl"}, "ic= or nl=");
    if (options.contains("ic")) element->initial_condition = options.at("ic").value;
    if (const auto nl = options.find("nl"); nl != options.end()) {
      if (!(nl->second.value >= 0.0)) {
        reader->Fail(nl->second.token, "bad varactor nonlinearity",
                     "nl >= 0 in V/C^3 (energy bounded below)");
      }
      element->kind = ElementKind::kVaractor;
      element->cubic_coefficient_V_per_C3 = nl->second.value;
    }
  }

  // Kname Lname1 Lname2 value
  void ParseCoupling(TokenReader* reader, Element* element) {
    element->kind = ElementKind::kMutualInductance;
    std::array<SourceLocation, 2> name_locations;
    for (int i = 0; i < 2; ++i) {
      const Token& token =
          reader->Take(Token::Kind::kWord, "bad mutual inductance", "the name of an inductor");
      element->coupled_inductors[i] =
          scope_->prefix + WithoutFlatteningLetter(Lower(reader->Text(token)));
      name_locations[i] = reader->Location(&token);
    }
    const ValueToken k = ParseValue(reader);
    if (!(std::abs(k.value) < 1.0)) {
      reader->Fail(k.token, "bad coupling coefficient", "a coefficient k with |k| < 1");
    }
    element->value = k.value;
    reader->ExpectEnd("unexpected text after the coupling coefficient", "end of line");
    coupled_name_locations_.emplace_back(file_, name_locations);
  }

  // Bname n+ n- (icrit=value | ej=value) [phase=value]
  void ParseJunction(TokenReader* reader, Element* element) const {
    element->kind = ElementKind::kJosephsonJunction;
    ParseNodes(reader, element);
    const Options options = ParseOptions(reader, {"icrit", "ej", "phase"}, "icrit=, ej= or phase=");
    const bool has_icrit = options.contains("icrit");
    if (has_icrit == options.contains("ej")) {
      const Token* at = has_icrit ? options.at("ej").token : reader->Peek();
      reader->Fail(at, "bad Josephson junction", "exactly one of icrit= or ej=");
    }
    const ValueToken& strength = has_icrit ? options.at("icrit") : options.at("ej");
    if (!(strength.value > 0.0)) {
      reader->Fail(strength.token, "bad Josephson junction",
                   has_icrit ? "a critical current icrit > 0 in A" : "an energy ej > 0 in J");
    }
    element->value = has_icrit ? strength.value : CriticalCurrent_A(strength.value);
    if (options.contains("phase")) element->initial_condition = options.at("phase").value;
  }

  // (I|V)name n+ n- source
  void ParseSource(ElementKind kind, TokenReader* reader, Element* element) const {
    element->kind = kind;
    ParseNodes(reader, element);
    element->waveform = ParseWaveform(reader);
    reader->ExpectEnd("unexpected text after the source", "end of line");
  }

  // source := ['dc'] value | 'sin' '(' ... ')' | 'pulse' '(' ... ')'
  //         | 'pwl' '(' ... ')' | 'pwl' 'file' '=' string
  SourceWaveform ParseWaveform(TokenReader* reader) const {
    SourceWaveform waveform;
    if (reader->NextIsWord("sin")) {
      reader->Take("", "");
      waveform.kind = SourceWaveform::Kind::kSin;
      waveform.parameters = ParseSin(reader);
    } else if (reader->NextIsWord("pulse")) {
      reader->Take("", "");
      waveform.kind = SourceWaveform::Kind::kPulse;
      waveform.parameters = ParsePulse(reader);
    } else if (reader->NextIsWord("pwl")) {
      reader->Take("", "");
      ParsePwl(reader, &waveform);
    } else {
      if (reader->NextIsWord("dc")) reader->Take("", "");
      waveform.parameters = {ParseValue(reader).value};
    }
    return waveform;
  }

  // 'sin' '(' vo va freq [td [theta [phase]]] ')'
  std::vector<double> ParseSin(TokenReader* reader) const {
    std::vector<ValueToken> arguments =
        ParseArguments(reader, 3, 6, "SIN", "3 to 6 values: vo va freq [td [theta [phase]]]");
    if (!(arguments[2].value > 0.0)) {
      reader->Fail(arguments[2].token, "bad SIN frequency", "a frequency > 0 in Hz");
    }
    if (arguments.size() > 3 && !(arguments[3].value >= 0.0)) {
      reader->Fail(arguments[3].token, "bad SIN delay", "a delay td >= 0 in s");
    }
    std::vector<double> values(6, 0.0);
    for (size_t i = 0; i < arguments.size(); ++i) values[i] = arguments[i].value;
    return values;
  }

  // 'pulse' '(' v1 v2 td tr tf pw per ')'
  std::vector<double> ParsePulse(TokenReader* reader) const {
    const std::vector<ValueToken> arguments =
        ParseArguments(reader, 7, 7, "PULSE", "7 values: v1 v2 td tr tf pw per");
    constexpr std::array<std::string_view, 4> kTimes = {"td", "tr", "tf", "pw"};
    for (size_t i = 0; i < kTimes.size(); ++i) {
      if (!(arguments[i + 2].value >= 0.0)) {
        reader->Fail(arguments[i + 2].token, "bad PULSE time",
                     fmt::format("{} >= 0 in s", kTimes[i]));
      }
    }
    if (!(arguments[6].value > 0.0)) {
      reader->Fail(arguments[6].token, "bad PULSE period", "a period per > 0 in s");
    }
    std::vector<double> values;
    for (const ValueToken& argument : arguments) values.push_back(argument.value);
    return values;
  }

  // 'pwl' '(' t1 v1 { t v } ')' | 'pwl' 'file' '=' string
  void ParsePwl(TokenReader* reader, SourceWaveform* waveform) const {
    if (reader->NextIsWord("file")) {
      reader->Take("", "");
      reader->Take(Token::Kind::kEquals, "bad PWL FILE", "'=' after FILE");
      ReadFile(reader->Take(Token::Kind::kString, "bad PWL FILE", "a \"quoted\" file name"),
               *reader, waveform);
      return;
    }
    waveform->kind = SourceWaveform::Kind::kPwl;
    const std::vector<ValueToken> arguments = ParseArguments(
        reader, 2, std::numeric_limits<size_t>::max(), "PWL", "pairs of values: t1 v1 t2 v2 ...");
    if (arguments.size() % 2 != 0) {
      reader->Fail(arguments.back().token, "odd number of PWL values", "a value after each time");
    }
    for (size_t i = 0; i < arguments.size(); i += 2) {
      if (i > 0 && !(arguments[i].value > arguments[i - 2].value)) {
        reader->Fail(arguments[i].token, "PWL times must increase strictly",
                     fmt::format("a time after {} s", arguments[i - 2].value));
      }
      waveform->times_s.push_back(arguments[i].value);
      waveform->values.push_back(arguments[i + 1].value);
    }
  }

  void ReadFile(const Token& token, const TokenReader& reader, SourceWaveform* waveform) const {
    waveform->kind = SourceWaveform::Kind::kFile;
    const std::string_view quoted = reader.Text(token);
    const std::filesystem::path name(quoted.substr(1, quoted.size() - 2));
    const std::filesystem::path directory = std::filesystem::path(file_).parent_path();
    waveform->file_path = (name.is_absolute() ? name : directory / name).string();
    try {
      CheckInputFile(waveform->file_path, "waveform file");
    } catch (const InputError& error) {
      reader.Fail(&token, "cannot read the waveform file",
                  fmt::format("a readable CSV file ({})", error.what()));
    }
    WaveformSamples samples = ReadWaveformCsv(waveform->file_path);
    waveform->times_s = std::move(samples.times_s);
    waveform->values = std::move(samples.values);
  }

  // arguments := '(' value { value } ')', between `min` and `max` values.
  std::vector<ValueToken> ParseArguments(TokenReader* reader, size_t min, size_t max,
                                         std::string_view name, std::string_view expected) const {
    const std::string what = fmt::format("bad {} arguments", name);
    reader->Take(Token::Kind::kOpen, what, fmt::format("'(' after {}", name));
    std::vector<ValueToken> arguments;
    while (!reader->NextIs(Token::Kind::kClose)) {
      if (reader->AtEnd()) reader->Fail(nullptr, what, "')'");
      arguments.push_back(ParseValue(reader));
    }
    const Token& close = reader->Take("", "");
    if (arguments.size() < min || arguments.size() > max) {
      reader->Fail(&close, fmt::format("{} ({} values)", what, arguments.size()), expected);
    }
    return arguments;
  }

  // node node, two different nodes; "gnd" is "0".
  void ParseNodes(TokenReader* reader, Element* element) const {
    for (int i = 0; i < 2; ++i) {
      const Token& token =
          reader->Take(Token::Kind::kWord, "bad node", i == 0 ? "the node n+" : "the node n-");
      std::string node = MapNode(Lower(reader->Text(token)));
      if (i == 1 && node == element->nodes[0]) {
        reader->Fail(&token, "element connects a node to itself",
                     "a node other than '" + element->nodes[0] + "'");
      }
      element->nodes.push_back(std::move(node));
    }
  }

  // options := { name '=' value }, each name from `allowed` at most once.
  Options ParseOptions(TokenReader* reader, std::initializer_list<std::string_view> allowed,
                       std::string_view expected) const {
    Options options;
    while (!reader->AtEnd()) {
      const Token& token = reader->Take(Token::Kind::kWord, "unexpected text", expected);
      const std::string name = Lower(reader->Text(token));
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        reader->Fail(&token, "unknown option", expected);
      }
      if (options.contains(name)) {
        reader->Fail(&token, "option given twice", "each of " + std::string(expected) + " once");
      }
      reader->Take(Token::Kind::kEquals, "bad option", "'=' after " + name);
      options[name] = ParseValue(reader);
    }
    return options;
  }

  double ParsePositive(TokenReader* reader, std::string_view what,
                       std::string_view expected) const {
    const ValueToken value = ParseValue(reader);
    if (!(value.value > 0.0)) reader->Fail(value.token, what, std::string(expected) + " > 0");
    return value.value;
  }

  // value := number | parameter-name | '{' expression '}'
  ValueToken ParseValue(TokenReader* reader) const {
    const Token* token = reader->Peek();
    if (token == nullptr ||
        (token->kind != Token::Kind::kWord && token->kind != Token::Kind::kExpression)) {
      reader->Fail(token, "bad value", kValueExpected);
    }
    reader->Take("", "");
    const Card& card = reader->card();
    const double value =
        token->kind == Token::Kind::kWord
            ? EvaluateBareValue({card, file_, token->begin, token->end}, scope_->params)
            : EvaluateExpression({card, file_, token->begin + 1, token->end - 1}, scope_->params);
    return {value, token};
  }

  // Each K couples two different inductors of the netlist, one K per pair.
  void CheckCouplings() const {
    std::map<std::pair<std::string, std::string>, SourceLocation> pairs;
    size_t k = 0;
    for (const Element& element : netlist_.elements) {
      if (element.kind != ElementKind::kMutualInductance) continue;
      const auto& [file, locations] = coupled_name_locations_[k++];
      const std::string what = "bad mutual inductance " + element.name;
      for (int i = 0; i < 2; ++i) {
        const std::string& name = element.coupled_inductors[i];
        const Element* inductor = netlist_.Find(name);
        if (inductor == nullptr || inductor->kind != ElementKind::kInductor) {
          ThrowInputError(file, locations[i], what, DescribeToken(name),
                          "the name of an inductor (an L card) of the netlist");
        }
      }
      auto [a, b] = element.coupled_inductors;
      if (a == b) {
        ThrowInputError(file, locations[1], what, DescribeToken(b), "two different inductors");
      }
      if (b < a) std::swap(a, b);
      if (const auto [found, inserted] = pairs.emplace(std::pair(a, b), element.location);
          !inserted) {
        ThrowInputError(file, element.location, "second coupling of " + a + " and " + b,
                        DescribeToken(element.name),
                        "one K per pair (the first is at " + Describe(found->second) + ")");
      }
    }
  }

  // The file of the card being parsed.
  std::string file_;
  Netlist netlist_;
  SubcircuitSplit split_;
  Scope top_;
  Scope* scope_ = &top_;
  std::map<std::string, SourceLocation> element_locations_;
  // The file and the locations of the inductor names of each K, in order.
  std::vector<std::pair<std::string, std::array<SourceLocation, 2>>> coupled_name_locations_;
  std::vector<NodeInitialVoltage> node_initial_voltages_;
  std::vector<SkippedKind> skipped_;
  std::optional<SourceLocation> end_location_;
};

}  // namespace

Netlist ParseNetlistText(std::string_view text, const std::string& source_name) {
  return NetlistParser(source_name).Parse(text);
}

Netlist ParseNetlistFile(const std::string& path) {
  return ParseNetlistText(ReadInputFile(path, "netlist file"), SourceName(path));
}

}  // namespace echolab
