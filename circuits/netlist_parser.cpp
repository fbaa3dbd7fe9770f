#include "circuits/netlist_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>

#include "circuits/expression.h"
#include "circuits/netlist_lexer.h"
#include "circuits/waveform_file.h"
#include "physics/error.h"
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

class NetlistParser {
 public:
  NetlistParser(std::string file, std::filesystem::path directory)
      : file_(std::move(file)), directory_(std::move(directory)) {
    netlist_.source_file = file_;
  }

  Netlist Parse(std::string_view text) {
    NetlistLines lines = SplitCards(text, file_);
    netlist_.title = std::move(lines.title);
    for (const Card& card : lines.cards) ParseCard(card);
    CheckCouplings();
    netlist_.params.insert(params_.begin(), params_.end());
    return std::move(netlist_);
  }

 private:
  // card := dot-card | element-card
  void ParseCard(const Card& card) {
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

  // dot-card := '.param' ... | '.tran' ... | '.end'
  void ParseDotCard(const std::string& keyword, const Token& first, TokenReader* reader) {
    if (keyword == ".param") {
      ParseParam(reader);
    } else if (keyword == ".tran") {
      ParseTran(first, reader);
    } else if (keyword == ".end") {
      reader->ExpectEnd("text after .end", "end of line");
      end_location_ = reader->Location(&first);
    } else {
      reader->Fail(&first, "unsupported dot-card", "one of .param, .tran, .end");
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
      params_[name] = ParseParamValue(reader);
      param_locations_[name] = reader->Location(&name_token);
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
    if (const auto found = param_locations_.find(name); found != param_locations_.end()) {
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
    return EvaluateExpression({reader->card(), file_, first->begin, last->end}, params_);
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
    Element element;
    element.name = name;
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
                     "an element name starting with R, L, C, K, I, V or B, or a dot-card");
    }
    element_locations_[name] = element.location;
    netlist_.elements.push_back(std::move(element));
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
      element->coupled_inductors[i] = Lower(reader->Text(token));
      name_locations[i] = reader->Location(&token);
    }
    const ValueToken k = ParseValue(reader);
    if (!(std::abs(k.value) < 1.0)) {
      reader->Fail(k.token, "bad coupling coefficient", "a coefficient k with |k| < 1");
    }
    element->value = k.value;
    reader->ExpectEnd("unexpected text after the coupling coefficient", "end of line");
    coupled_name_locations_.push_back(name_locations);
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
    waveform->file_path = (name.is_absolute() ? name : directory_ / name).string();
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
      std::string node = Lower(reader->Text(token));
      if (node == "gnd") node = "0";
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
            ? EvaluateBareValue({card, file_, token->begin, token->end}, params_)
            : EvaluateExpression({card, file_, token->begin + 1, token->end - 1}, params_);
    return {value, token};
  }

  // Each K couples two different inductors of the netlist, one K per pair.
  void CheckCouplings() const {
    std::map<std::pair<std::string, std::string>, SourceLocation> pairs;
    size_t k = 0;
    for (const Element& element : netlist_.elements) {
      if (element.kind != ElementKind::kMutualInductance) continue;
      const std::array<SourceLocation, 2>& locations = coupled_name_locations_[k++];
      const std::string what = "bad mutual inductance " + element.name;
      for (int i = 0; i < 2; ++i) {
        const std::string& name = element.coupled_inductors[i];
        const Element* inductor = netlist_.Find(name);
        if (inductor == nullptr || inductor->kind != ElementKind::kInductor) {
          ThrowInputError(file_, locations[i], what, DescribeToken(name),
                          "the name of an inductor (an L card) of the netlist");
        }
      }
      auto [a, b] = element.coupled_inductors;
      if (a == b) {
        ThrowInputError(file_, locations[1], what, DescribeToken(b), "two different inductors");
      }
      if (b < a) std::swap(a, b);
      if (const auto [found, inserted] = pairs.emplace(std::pair(a, b), element.location);
          !inserted) {
        ThrowInputError(file_, element.location, "second coupling of " + a + " and " + b,
                        DescribeToken(element.name),
                        "one K per pair (the first is at " + Describe(found->second) + ")");
      }
    }
  }

  std::string file_;
  std::filesystem::path directory_;
  Netlist netlist_;
  ParameterTable params_;
  std::map<std::string, SourceLocation> param_locations_;
  std::map<std::string, SourceLocation> element_locations_;
  // The locations of the inductor names of each K, in order.
  std::vector<std::array<SourceLocation, 2>> coupled_name_locations_;
  std::optional<SourceLocation> end_location_;
};

}  // namespace

Netlist ParseNetlistText(std::string_view text, const std::string& source_name) {
  return NetlistParser(source_name, std::filesystem::path(source_name).parent_path()).Parse(text);
}

Netlist ParseNetlistFile(const std::string& path) {
  return ParseNetlistText(ReadInputFile(path, "netlist file"), path);
}

}  // namespace echolab
