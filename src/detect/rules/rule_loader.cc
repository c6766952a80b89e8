// Rule-pack loader: YAML (via the yaml_doc adapter) → validated, resolved CompiledRules.
// Every error names the pack file and line, and the rule or context it belongs to.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "tincay/core/crypto.h"
#include "tincay/core/utf8.h"

#include "src/detect/rules/rule_model.h"
#include "src/detect/rules/yaml_doc.h"

namespace tincay::rules {
namespace {

const std::set<std::string>& pack_keys() {
  static const std::set<std::string> k = {"pack",  "description", "version", "note",
                                          "lists", "contexts",    "rules"};
  return k;
}
const std::set<std::string>& rule_keys() {
  static const std::set<std::string> k = {
      "id",  "category", "severity", "description", "weight", "accents",  "text",
      "any", "all",      "none",     "near",        "unless", "examples", "note"};
  return k;
}
const std::set<std::string>& context_keys() {
  static const std::set<std::string> k = {"name", "effect", "factor", "accents",
                                          "text", "window", "before", "any"};
  return k;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.front() == '.' || id.back() == '.') return false;
  bool dot = false;
  char prev = 0;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (!ok || (c == '.' && prev == '.')) return false;
    dot = dot || c == '.';
    prev = c;
  }
  return dot;
}

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

struct NamedNode {
  const YamlNode* node;
  std::string source;
};

class Loader {
 public:
  explicit Loader(const Normalizer& normalizer) : normalizer_(normalizer) {}

  Status load(const std::vector<std::pair<std::string, std::string>>& packs) {
    // Phase 1: parse every file and collect the names (lists, contexts) packs share.
    docs_.reserve(packs.size());
    for (const auto& [name, content] : packs) {
      const std::size_t bad = utf8::first_invalid(content);
      if (bad < content.size()) {
        const auto line = 1 + std::count(content.begin(),
                                         content.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
        return error_at(name, static_cast<int>(line), "not valid UTF-8");
      }
      auto doc = parse_yaml(content, name);
      if (!doc) return doc.error();
      docs_.emplace_back(name, std::move(doc).value());
    }
    for (const auto& [name, doc] : docs_) TINCAY_TRY(collect_names(name, doc));
    // Phase 2: contexts first (rules refer to them), then rules.
    for (const auto& [name, doc] : docs_) {
      if (const YamlNode* ctxs = doc.find("contexts")) {
        for (const YamlNode& c : ctxs->items) TINCAY_TRY(add_named_context(name, c));
      }
    }
    for (const auto& [name, doc] : docs_) TINCAY_TRY(load_rules(name, doc));
    out_.atom_rules.assign(out_.atoms.size(), {});
    for (std::uint32_t r = 0; r < out_.rules.size(); ++r) {
      const Rule& rule = out_.rules[r];
      std::set<std::uint32_t> atoms(rule.any.begin(), rule.any.end());
      for (const Group& g : rule.all) atoms.insert(g.begin(), g.end());
      for (const Near& n : rule.near) {
        atoms.insert(n.a.begin(), n.a.end());
        atoms.insert(n.b.begin(), n.b.end());
      }
      for (const std::uint32_t a : atoms) out_.atom_rules[a].push_back(r);
    }
    std::string all;
    for (const auto& [name, content] : packs) {
      all += name.substr(name.find_last_of('/') + 1);
      all += '\0';
      all += content;
      all += '\0';
    }
    out_.content_hash = sha256_hex(all);
    return ok_status();
  }

  CompiledRules take() { return std::move(out_); }

 private:
  struct Scope {
    std::string source;  // pack file
    std::string owner;   // "rule scam.otp" / "context warning"
    Target target = Target::kText;
  };

  Error error_at(const std::string& source, int line, const std::string& message) const {
    return make_error(ErrorCode::kInvalidInput, message, source + ":" + std::to_string(line));
  }
  Error error_in(const Scope& s, const YamlNode& n, const std::string& message) const {
    return error_at(s.source, n.line, s.owner + ": " + message);
  }

  Status check_keys(const Scope& s, const YamlNode& n, const std::set<std::string>& allowed) {
    for (const auto& [key, value] : n.map) {
      if (allowed.count(key) == 0) return error_in(s, value, "unknown key " + quote(key));
    }
    return ok_status();
  }

  Status collect_names(const std::string& source, const YamlNode& doc) {
    if (!doc.is_map()) return error_at(source, doc.line, "a rule pack is a map with a rules list");
    for (const auto& [key, value] : doc.map) {
      if (pack_keys().count(key) == 0) {
        return error_at(source, value.line, "unknown top-level key " + quote(key));
      }
    }
    const YamlNode* rules = doc.find("rules");
    if (rules == nullptr || !rules->is_sequence()) {
      return error_at(source, doc.line, "missing \"rules\" (a list of rules)");
    }
    if (const YamlNode* lists = doc.find("lists")) {
      if (!lists->is_map()) return error_at(source, lists->line, "\"lists\" must be a map");
      for (const auto& [name, items] : lists->map) {
        if (!items.is_sequence()) {
          return error_at(source, items.line, "list " + quote(name) + " must be a sequence");
        }
        if (!lists_.emplace(name, NamedNode{&items, source}).second) {
          return error_at(source, items.line, "list " + quote(name) + " is defined twice");
        }
      }
    }
    if (const YamlNode* ctxs = doc.find("contexts")) {
      if (!ctxs->is_sequence()) return error_at(source, ctxs->line, "\"contexts\" must be a list");
    }
    return ok_status();
  }

  Result<std::uint32_t> add_atom(const Scope& s, const YamlNode& at, Target target, bool literal,
                                 std::string expression, std::string display) {
    if (expression.empty()) return error_in(s, at, "empty term or pattern " + quote(display));
    const std::string key =
        std::to_string(static_cast<int>(target)) + (literal ? "L" : "R") + expression;
    if (auto it = atom_ids_.find(key); it != atom_ids_.end()) return it->second;
    auto& patterns = out_.patterns[static_cast<std::size_t>(target)];
    Pattern p;
    p.expression = std::move(expression);
    p.literal = literal;
    p.caseless = target == Target::kOriginal;
    p.where = s.source + ":" + std::to_string(at.line);
    p.origin = s.owner + ", pattern " + quote(display);
    patterns.push_back(std::move(p));
    const auto id = static_cast<std::uint32_t>(out_.atoms.size());
    out_.atoms.push_back(
        {target, static_cast<std::uint32_t>(patterns.size() - 1), std::move(display)});
    out_.atom_of[static_cast<std::size_t>(target)].push_back(id);
    atom_ids_.emplace(key, id);
    return id;
  }

  // One item: a term (scalar), {re: EXPR}, or {list: NAME}; appends its atoms to `group`.
  Status parse_item(const Scope& s, const YamlNode& item, Group& group, int depth = 0) {
    if (item.is_scalar() && !utf8::is_valid(item.scalar)) {
      return error_in(s, item, "term is not valid UTF-8");
    }
    if (item.is_scalar()) {
      std::string expr;
      if (s.target == Target::kOriginal) {
        expr = item.scalar;
      } else {
        const NormalizedText n = normalizer_.normalize(item.scalar);
        expr = s.target == Target::kShadow ? n.shadow : n.text;
      }
      if (expr.empty()) return error_in(s, item, "term " + quote(item.scalar) + " is empty");
      auto id = add_atom(s, item, s.target, true, std::move(expr), item.scalar);
      if (!id) return id.error();
      group.push_back(*id);
      return ok_status();
    }
    if (item.is_map() && item.map.size() == 1 && item.map[0].key == "re") {
      const YamlNode& re = item.map[0].value;
      if (!re.is_scalar()) return error_in(s, item, "\"re\" must be a string");
      auto id = add_atom(s, re, s.target, false, re.scalar, "/" + re.scalar + "/");
      if (!id) return id.error();
      group.push_back(*id);
      return ok_status();
    }
    if (item.is_map() && item.map.size() == 1 && item.map[0].key == "list") {
      const YamlNode& name = item.map[0].value;
      auto it = lists_.find(name.scalar);
      if (!name.is_scalar() || it == lists_.end()) {
        return error_in(s, item, "undefined list " + quote(name.scalar));
      }
      if (depth > 4) return error_in(s, item, "lists nest too deeply");
      for (const YamlNode& x : it->second.node->items) {
        Scope inner = s;
        inner.source = it->second.source;
        TINCAY_TRY(parse_item(inner, x, group, depth + 1));
      }
      return ok_status();
    }
    return error_in(s, item, "an item is a term, {re: EXPRESSION} or {list: NAME}");
  }

  // A sequence of items (or a single item) forming one any-of group.
  Result<Group> parse_group(const Scope& s, const YamlNode& node) {
    Group g;
    if (node.is_sequence()) {
      for (const YamlNode& item : node.items) TINCAY_TRY(parse_item(s, item, g));
    } else {
      TINCAY_TRY(parse_item(s, node, g));
    }
    if (g.empty()) return error_in(s, node, "empty term list");
    std::sort(g.begin(), g.end());
    g.erase(std::unique(g.begin(), g.end()), g.end());
    return g;
  }

  Result<Target> parse_target(const Scope& s, const YamlNode& n) {
    Target t = Target::kText;
    if (const YamlNode* text = n.find("text")) {
      if (text->scalar == "original") {
        t = Target::kOriginal;
      } else if (text->scalar != "normalized") {
        return error_in(s, *text,
                        "text must be \"normalized\" or \"original\", not " + quote(text->scalar));
      }
    }
    if (const YamlNode* acc = n.find("accents")) {
      if (acc->scalar == "optional") {
        if (t == Target::kOriginal) {
          return error_in(s, *acc, "accents: optional works on normalized text only");
        }
        t = Target::kShadow;
      } else if (acc->scalar != "required") {
        return error_in(s, *acc,
                        "accents must be \"required\" or \"optional\", not " + quote(acc->scalar));
      }
    }
    return t;
  }

  Result<int> parse_count(const Scope& s, const YamlNode& n, const char* what, int max) {
    char* end = nullptr;
    const long v = std::strtol(n.scalar.c_str(), &end, 10);
    if (!n.is_scalar() || n.scalar.empty() || *end != '\0' || v < 0 || v > max) {
      return error_in(
          s, n, std::string(what) + " must be a whole number from 0 to " + std::to_string(max));
    }
    return static_cast<int>(v);
  }

  Result<double> parse_unit(const Scope& s, const YamlNode& n, const char* what) {
    char* end = nullptr;
    const double v = std::strtod(n.scalar.c_str(), &end);
    if (!n.is_scalar() || n.scalar.empty() || *end != '\0' || !(v > 0.0 && v <= 1.0)) {
      return error_in(s, n,
                      std::string(what) + " " + quote(n.scalar) + " is not a number in (0, 1]");
    }
    return v;
  }

  Result<Context> parse_context(const Scope& outer, const YamlNode& n, std::string name) {
    Scope s = outer;
    s.owner = "context " + name;
    if (!n.is_map()) return error_in(s, n, "a context is a map");
    TINCAY_TRY(check_keys(s, n, context_keys()));
    Context c;
    c.name = std::move(name);
    auto target = parse_target(s, n);
    if (!target) return target.error();
    s.target = *target;
    const YamlNode* any = n.find("any");
    if (any == nullptr) return error_in(s, n, "a context needs \"any\" (its terms)");
    auto g = parse_group(s, *any);
    if (!g) return g.error();
    c.atoms = std::move(g).value();
    if (const YamlNode* e = n.find("effect")) {
      if (e->scalar == "weaken") {
        c.effect = Effect::kWeaken;
      } else if (e->scalar != "suppress") {
        return error_in(s, *e, "effect must be \"suppress\" or \"weaken\"");
      }
    }
    if (const YamlNode* f = n.find("factor")) {
      auto v = parse_unit(s, *f, "factor");
      if (!v) return v.error();
      c.factor = *v;
    }
    if (const YamlNode* w = n.find("window")) {
      auto v = parse_count(s, *w, "window", 1000);
      if (!v) return v.error();
      c.window = *v;
    }
    if (const YamlNode* b = n.find("before")) {
      if (n.find("window") != nullptr) return error_in(s, *b, "use either window or before");
      auto v = parse_count(s, *b, "before", 1000);
      if (!v) return v.error();
      c.window = *v;
      c.before_only = true;
    }
    return c;
  }

  Status add_named_context(const std::string& source, const YamlNode& n) {
    Scope s{source, "context", Target::kText};
    const YamlNode* name = n.find("name");
    if (name == nullptr || !name->is_scalar() || name->scalar.empty()) {
      return error_in(s, n, "a context needs a name");
    }
    if (name->scalar == "quotation" || context_ids_.count(name->scalar) != 0) {
      return error_in(s, *name, "context " + quote(name->scalar) + " is defined twice");
    }
    auto c = parse_context(s, n, name->scalar);
    if (!c) return c.error();
    context_ids_.emplace(name->scalar, static_cast<std::uint32_t>(out_.contexts.size()));
    out_.contexts.push_back(std::move(c).value());
    return ok_status();
  }

  Result<std::uint32_t> quotation_context() {
    if (auto it = context_ids_.find("quotation"); it != context_ids_.end()) return it->second;
    Context c;
    c.name = "quotation";
    c.quotation = true;
    const auto id = static_cast<std::uint32_t>(out_.contexts.size());
    out_.contexts.push_back(std::move(c));
    context_ids_.emplace("quotation", id);
    return id;
  }

  Status parse_examples(const Scope& s, const YamlNode& n, RuleInfo& info) {
    if (!n.is_map()) return error_in(s, n, "examples must be a map with match / no_match");
    for (const auto& [key, list] : n.map) {
      if (key != "match" && key != "no_match") {
        return error_in(s, list, "examples take match and no_match, not " + quote(key));
      }
      if (!list.is_sequence()) return error_in(s, list, "examples." + key + " must be a list");
      for (const YamlNode& e : list.items) {
        if (!e.is_scalar()) return error_in(s, e, "an example is a string");
        (key == "match" ? info.match_examples : info.no_match_examples).push_back(e.scalar);
      }
    }
    return ok_status();
  }

  Status load_rules(const std::string& source, const YamlNode& doc) {
    const std::string pack_name = [&] {
      if (const YamlNode* p = doc.find("pack"); p != nullptr && p->is_scalar()) return p->scalar;
      std::string stem = source.substr(source.find_last_of('/') + 1);
      return stem.substr(0, stem.find('.'));
    }();
    std::string pack_note;
    if (const YamlNode* note = doc.find("note"); note != nullptr) pack_note = note->scalar;
    for (const YamlNode& n : doc.find("rules")->items) {
      Scope s{source, "rule", Target::kText};
      if (!n.is_map()) return error_in(s, n, "a rule is a map");
      Rule rule;
      RuleInfo& info = rule.info;
      info.pack = pack_name;
      info.where = source + ":" + std::to_string(n.line);
      const YamlNode* id = n.find("id");
      if (id == nullptr || !valid_id(id->scalar)) {
        return error_in(s, id != nullptr ? *id : n,
                        "rule id must be dotted lower-case words (scam.otp.request)");
      }
      info.id = id->scalar;
      s.owner = "rule " + info.id;
      TINCAY_TRY(check_keys(s, n, rule_keys()));
      if (!rule_ids_.insert(info.id).second) return error_in(s, *id, "duplicate rule id");

      const YamlNode* cat = n.find("category");
      if (cat == nullptr) return error_in(s, n, "missing category");
      const auto category = parse_category(cat->scalar);
      if (!category) {
        return error_in(s, *cat,
                        "unknown category " + quote(cat->scalar) +
                            " (the category set is closed; see docs/rules.md)");
      }
      info.category = *category;
      const YamlNode* sev = n.find("severity");
      if (sev == nullptr) return error_in(s, n, "missing severity");
      if (sev->scalar == "low") {
        info.severity = Severity::kLow;
      } else if (sev->scalar == "medium") {
        info.severity = Severity::kMedium;
      } else if (sev->scalar == "high") {
        info.severity = Severity::kHigh;
      } else if (sev->scalar == "critical") {
        info.severity = Severity::kCritical;
      } else {
        return error_in(
            s, *sev, "severity must be low, medium, high or critical, not " + quote(sev->scalar));
      }
      const YamlNode* desc = n.find("description");
      if (desc == nullptr || desc->scalar.empty()) return error_in(s, n, "missing description");
      info.description = desc->scalar;
      const YamlNode* weight = n.find("weight");
      if (weight == nullptr) return error_in(s, n, "missing weight");
      auto w = parse_unit(s, *weight, "weight");
      if (!w) return w.error();
      info.weight = *w;
      if (info.severity == Severity::kLow && info.weight >= 0.5) {
        return error_in(s, *weight,
                        "a low-severity rule is a weak signal: its weight must stay below 0.5");
      }
      auto target = parse_target(s, n);
      if (!target) return target.error();
      s.target = *target;

      if (const YamlNode* any = n.find("any")) {
        auto g = parse_group(s, *any);
        if (!g) return g.error();
        rule.any = std::move(g).value();
      }
      if (const YamlNode* all = n.find("all")) {
        if (!all->is_sequence() || all->items.empty()) {
          return error_in(s, *all, "all must be a non-empty list of terms or term lists");
        }
        for (const YamlNode& item : all->items) {
          auto g = parse_group(s, item);
          if (!g) return g.error();
          rule.all.push_back(std::move(g).value());
        }
      }
      if (const YamlNode* none = n.find("none")) {
        auto g = parse_group(s, *none);
        if (!g) return g.error();
        rule.none = std::move(g).value();
      }
      if (const YamlNode* near = n.find("near")) {
        std::vector<const YamlNode*> clauses;
        if (near->is_sequence()) {
          for (const YamlNode& c : near->items) clauses.push_back(&c);
        } else {
          clauses.push_back(near);
        }
        for (const YamlNode* c : clauses) {
          const YamlNode* a = c->find("a");
          const YamlNode* b = c->find("b");
          const YamlNode* within = c->find("within");
          if (!c->is_map() || a == nullptr || b == nullptr || within == nullptr ||
              c->map.size() != 3) {
            return error_in(s, *c, "near takes {a: TERMS, b: TERMS, within: TOKENS}");
          }
          Near clause;
          auto ga = parse_group(s, *a);
          if (!ga) return ga.error();
          auto gb = parse_group(s, *b);
          if (!gb) return gb.error();
          auto wv = parse_count(s, *within, "within", 1000);
          if (!wv) return wv.error();
          clause.a = std::move(ga).value();
          clause.b = std::move(gb).value();
          clause.within = static_cast<std::uint32_t>(*wv);
          rule.near.push_back(std::move(clause));
        }
      }
      if (rule.any.empty() && rule.all.empty() && rule.near.empty()) {
        return error_in(s, n, "a rule needs any, all or near (none alone never fires)");
      }
      if (const YamlNode* unless = n.find("unless")) {
        if (!unless->is_sequence()) return error_in(s, *unless, "unless must be a list");
        int inline_count = 0;
        for (const YamlNode& u : unless->items) {
          if (u.is_scalar()) {
            if (u.scalar == "quotation") {
              auto q = quotation_context();
              if (!q) return q.error();
              rule.unless.push_back(*q);
              continue;
            }
            auto it = context_ids_.find(u.scalar);
            if (it == context_ids_.end()) {
              return error_in(s, u, "undefined context " + quote(u.scalar));
            }
            rule.unless.push_back(it->second);
            continue;
          }
          auto c = parse_context(s, u, info.id + "#" + std::to_string(++inline_count));
          if (!c) return c.error();
          rule.unless.push_back(static_cast<std::uint32_t>(out_.contexts.size()));
          out_.contexts.push_back(std::move(c).value());
        }
      }
      if (const YamlNode* ex = n.find("examples")) TINCAY_TRY(parse_examples(s, *ex, info));
      rule.note = pack_note;
      if (const YamlNode* note = n.find("note")) rule.note = note->scalar;
      out_.rules.push_back(std::move(rule));
    }
    return ok_status();
  }

  const Normalizer& normalizer_;
  std::vector<std::pair<std::string, YamlNode>> docs_;
  std::map<std::string, NamedNode> lists_;
  std::map<std::string, std::uint32_t> context_ids_;
  std::map<std::string, std::uint32_t> atom_ids_;
  std::set<std::string> rule_ids_;
  CompiledRules out_;
};

}  // namespace

Result<CompiledRules> load_rules(const std::vector<std::pair<std::string, std::string>>& packs,
                                 const Normalizer& normalizer) {
  Loader loader(normalizer);
  TINCAY_TRY(loader.load(packs));
  return loader.take();
}

}  // namespace tincay::rules
