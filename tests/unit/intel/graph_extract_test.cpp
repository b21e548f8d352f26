// What the extractor reads from each language: symbols (kinds, qualified names, lines),
// imports in the resolver's spec form, and references with their enclosing symbol.
#include <gtest/gtest.h>

#include <algorithm>

#include "intel/graph/extract.hpp"
#include "intel/graph/resolve.hpp"
#include "intel/graph/walk.hpp"

namespace sluice::intel::graph {
namespace {

std::vector<std::string> symbols(const FileFacts& f) {
  std::vector<std::string> out;
  for (const auto& s : f.symbols) {
    out.push_back(std::string(symbol_kind_name(s.kind)) + " " + s.qualified + ":" +
                  std::to_string(s.line));
  }
  return out;
}

std::vector<std::string> imports(const FileFacts& f) {
  std::vector<std::string> out;
  for (const auto& i : f.imports) out.push_back(i.spec + (i.optional ? "?" : ""));
  return out;
}

// "name@Enclosing" ("name@-" at file level), sorted.
std::vector<std::string> refs(const FileFacts& f) {
  std::vector<std::string> out;
  for (const auto& r : f.refs) {
    out.push_back(r.name + "@" + (r.from < 0 ? "-" : f.symbols[r.from].qualified));
  }
  std::sort(out.begin(), out.end());
  return out;
}

using V = std::vector<std::string>;

TEST(GraphExtract, EveryQueryCompilesAgainstItsGrammar) {
  EXPECT_NO_THROW(compile_all_queries());
}

TEST(GraphExtract, Python) {
  Extractor ex;
  const auto f = ex.extract(Lang::Python,
                            "import os, pkg.mod as m\n"
                            "from . import sib\n"
                            "from ..core.util import slugify, Thing as T\n"
                            "from .models import *\n"
                            "class User(Base):\n"
                            "    @cached\n"
                            "    def login(self, pw):\n"
                            "        def inner():\n"
                            "            return check(pw)\n"
                            "        return m.helper(inner())\n"
                            "def top():\n"
                            "    return User().login('x')\n");
  EXPECT_EQ(symbols(f), (V{"class User:5", "method User.login:7", "function User.login.inner:8",
                           "function top:11"}));
  EXPECT_EQ(imports(f), (V{"os", "pkg.mod", ".?", ".sib?", "..core.util", "..core.util.slugify?",
                           "..core.util.Thing?", ".models"}));
  EXPECT_EQ(refs(f), (V{"Base@User", "User@top", "cached@User", "check@User.login.inner",
                        "helper@User.login", "inner@User.login", "login@top"}));
  EXPECT_EQ(f.lines, 12u);
}

TEST(GraphExtract, JavaScriptAndTypeScript) {
  Extractor ex;
  const std::string js =
      "import a from './a';\n"
      "export * from \"../b/index.js\";\n"
      "const c = require('./c');\n"
      "const d = import('./d');\n"
      "notRequire('./e');\n"
      "class Foo extends Bar {\n"
      "  go() { return helper(this.inner()); }\n"
      "  handler = () => new Baz();\n"
      "}\n"
      "export const arrow = () => 1;\n"
      "function top() { return <Widget />; }\n";
  const auto f = ex.extract(Lang::JavaScript, js);
  EXPECT_EQ(symbols(f), (V{"class Foo:6", "method Foo.go:7", "method Foo.handler:8",
                           "function arrow:10", "function top:11"}));
  EXPECT_EQ(imports(f), (V{"./a", "../b/index.js", "./c", "./d"}));
  EXPECT_EQ(refs(f), (V{"Bar@Foo", "Baz@Foo.handler", "Widget@top", "helper@Foo.go", "inner@Foo.go",
                        "notRequire@-", "require@-"}));

  const auto t = ex.extract(Lang::TypeScript,
                            "import type { T } from './t';\n"
                            "export interface Shape { area(): number }\n"
                            "export type Id = string;\n"
                            "enum Color { Red }\n"
                            "abstract class Base { abstract run(): void; }\n"
                            "export class Impl extends Base implements Shape {\n"
                            "  area(): number { return compute(this.id as Id); }\n"
                            "}\n");
  EXPECT_EQ(symbols(t),
            (V{"class Shape:2", "method Shape.area:2", "class Id:3", "class Color:4",
               "class Base:5", "method Base.run:5", "class Impl:6", "method Impl.area:7"}));
  EXPECT_EQ(imports(t), (V{"./t"}));
  EXPECT_EQ(refs(t), (V{"Base@Impl", "Id@Impl.area", "Shape@Impl", "compute@Impl.area"}));
}

TEST(GraphExtract, Go) {
  Extractor ex;
  const auto f = ex.extract(Lang::Go,
                            "package main\n"
                            "import (\n  \"fmt\"\n  u \"example.com/m/util\"\n)\n"
                            "type Server struct{ cfg u.Config }\n"
                            "func (s *Server) Start() error { return u.Slugify(helper()) }\n"
                            "func main() { fmt.Println(1) }\n");
  EXPECT_EQ(symbols(f), (V{"class Server:6", "method Server.Start:7", "function main:8"}));
  EXPECT_EQ(imports(f), (V{"fmt", "example.com/m/util"}));
  EXPECT_EQ(refs(f), (V{"Config@Server", "Println@main", "Server@Server.Start",
                        "Slugify@Server.Start", "error@Server.Start", "helper@Server.Start"}));
}

TEST(GraphExtract, Rust) {
  Extractor ex;
  const auto f =
      ex.extract(Lang::Rust,
                 "mod util;\n"
                 "mod inline { fn x() {} }\n"
                 "use crate::core::{slug, auth::{self, login as l}};\n"
                 "use super::helper;\n"
                 "pub struct Thing;\n"
                 "impl Thing { pub fn new() -> Self { util::make(); Thing } }\n"
                 "trait Run { fn run(&self); }\n"
                 "impl<T> Run for Wrap<T> { fn run(&self) { helper(); println!(\"x\"); } }\n");
  EXPECT_EQ(symbols(f), (V{"function x:2", "class Thing:5", "method Thing.new:6", "class Run:7",
                           "method Run.run:7", "method Wrap.run:8"}));
  EXPECT_EQ(imports(f), (V{"mod:util", "use:crate::core::slug", "use:crate::core::auth",
                           "use:crate::core::auth::login", "use:super::helper"}));
  EXPECT_EQ(refs(f), (V{"Run@-", "Self@Thing.new", "helper@Wrap.run", "make@Thing.new",
                        "println@Wrap.run"}));
}

TEST(GraphExtract, RustUseTrees) {
  EXPECT_EQ(expand_rust_use("crate::a::{b, c::{self, d}}"),
            (V{"crate::a::b", "crate::a::c", "crate::a::c::d"}));
  EXPECT_EQ(expand_rust_use("std::io::{self as sio, Read}"), (V{"std::io", "std::io::Read"}));
  EXPECT_EQ(expand_rust_use("super::*"), (V{"super"}));
  EXPECT_EQ(expand_rust_use("a::b as c"), (V{"a::b"}));
  EXPECT_EQ(expand_rust_use("{a, b}"), (V{"a", "b"}));
  EXPECT_TRUE(expand_rust_use("{{{").empty());
}

TEST(GraphExtract, Java) {
  Extractor ex;
  const auto f = ex.extract(Lang::Java,
                            "package com.acme;\n"
                            "import com.acme.util.Strings;\n"
                            "import static com.acme.util.Strings.join;\n"
                            "import com.acme.core.*;\n"
                            "import static com.acme.Consts.*;\n"
                            "public class App extends Base {\n"
                            "  public App() { super(); }\n"
                            "  void run() { Strings.join(new Helper(), go()); }\n"
                            "  interface Inner { void f(); }\n"
                            "}\n");
  EXPECT_EQ(symbols(f), (V{"class App:6", "method App.App:7", "method App.run:8",
                           "class App.Inner:9", "method App.Inner.f:9"}));
  EXPECT_EQ(imports(f), (V{"com.acme.util.Strings", "com.acme.util.Strings", "com.acme.core.*",
                           "com.acme.Consts"}));
  EXPECT_EQ(refs(f),
            (V{"Base@App", "Helper@App.run", "Strings@App.run", "go@App.run", "join@App.run"}));
}

TEST(GraphExtract, CAndCpp) {
  Extractor ex;
  const auto c = ex.extract(Lang::C,
                            "#include \"util/str.h\"\n"
                            "#include <stdio.h>\n"
                            "struct S { int a; };\n"
                            "typedef struct S S_t;\n"
                            "static char *name(void) { int local(int); return helper(0); }\n"
                            "int **twice(void);\n"
                            "int (*callback)(int);\n");
  EXPECT_EQ(symbols(c), (V{"class S:3", "class S_t:4", "function name:5", "function twice:6"}));
  EXPECT_EQ(imports(c), (V{"\"util/str.h", "<stdio.h"}));
  EXPECT_EQ(refs(c), (V{"helper@name"}));

  const auto cpp =
      ex.extract(Lang::Cpp,
                 "namespace ns {\n"
                 "class Foo : public Base {\n"
                 " public:\n"
                 "  void bar(int x);\n"
                 "  int inl() const { return helper(1); }\n"
                 "  ~Foo();\n"
                 "};\n"
                 "template <class T> T* make() { return new T(); }\n"
                 "}\n"
                 "void ns::Foo::bar(int x) { obj.method(); ns::free_fn(); tmpl<int>(x); }\n"
                 "Foo::~Foo() {}\n"
                 "int& ref_fn();\n"
                 "using Alias = Foo;\n");
  EXPECT_EQ(symbols(cpp), (V{"class Foo:2", "method Foo.bar:4", "method Foo.inl:5",
                             "method Foo.~Foo:6", "function make:8", "method Foo.bar:10",
                             "method Foo.~Foo:11", "function ref_fn:12", "class Alias:13"}));
  EXPECT_EQ(refs(cpp), (V{"Base@Foo", "Foo@Alias", "free_fn@Foo.bar", "helper@Foo.inl",
                          "method@Foo.bar", "tmpl@Foo.bar"}));
}

TEST(GraphExtract, BrokenAndEmptySourcesStillYieldFacts) {
  Extractor ex;
  EXPECT_TRUE(ex.extract(Lang::Python, "").symbols.empty());
  const auto f = ex.extract(Lang::Python, "def ok():\n    pass\n\ndef broken(:\n  )))\n");
  EXPECT_FALSE(f.symbols.empty());
  EXPECT_EQ(f.symbols.front().name, "ok");
  EXPECT_EQ(count_lines("a\nb"), 2u);
  EXPECT_EQ(count_lines("a\nb\n"), 2u);
}

TEST(GraphExtract, LanguageByExtension) {
  EXPECT_EQ(lang_for_path("a/b.py"), Lang::Python);
  EXPECT_EQ(lang_for_path("x.tsx"), Lang::Tsx);
  EXPECT_EQ(lang_for_path("x.mjs"), Lang::JavaScript);
  EXPECT_EQ(lang_for_path("x.h"), Lang::C);
  EXPECT_EQ(lang_for_path("x.h", true), Lang::Cpp);
  EXPECT_EQ(lang_for_path("x.hpp"), Lang::Cpp);
  EXPECT_FALSE(lang_for_path("types.d.ts"));
  EXPECT_FALSE(lang_for_path("README.md"));
  EXPECT_FALSE(lang_for_path(".bashrc"));
  EXPECT_EQ(lang_from_name("rust"), Lang::Rust);
}

TEST(GraphWalk, GitignoreRules) {
  const auto rules = parse_gitignore(
      "# comment\n\nbuild/\n/top.py\n*.gen.py\n!keep.gen.py\n"
      "docs/**/*.py\n\\#hash.py\n");
  ASSERT_EQ(rules.size(), 6u);
  auto ignored = [&](std::string_view path, bool dir) {
    bool out = false;
    for (const auto& r : rules) {
      if (ignore_rule_matches(r, path, dir)) out = !r.negate;
    }
    return out;
  };
  EXPECT_TRUE(ignored("build", true));
  EXPECT_TRUE(ignored("a/build", true));
  EXPECT_FALSE(ignored("build", false));  // a file named build is not a folder
  EXPECT_TRUE(ignored("top.py", false));
  EXPECT_FALSE(ignored("a/top.py", false));  // anchored
  EXPECT_TRUE(ignored("a/b/x.gen.py", false));
  EXPECT_FALSE(ignored("a/keep.gen.py", false));
  EXPECT_TRUE(ignored("docs/x.py", false));
  EXPECT_TRUE(ignored("docs/a/b/x.py", false));
  EXPECT_FALSE(ignored("src/docs/x.py", false));
  EXPECT_TRUE(ignored("#hash.py", false));
}

TEST(GraphResolve, GoModulePath) {
  EXPECT_EQ(go_module_path("// c\nmodule example.com/shop // x\n\ngo 1.21\n"), "example.com/shop");
  EXPECT_EQ(go_module_path("module \"quoted.io/m\"\n"), "quoted.io/m");
  EXPECT_EQ(go_module_path("go 1.21\n"), "");
  EXPECT_EQ(go_module_path("modules x\n"), "");
}

SourceFile file(std::string path, Lang lang, std::vector<std::string> imports) {
  SourceFile f{std::move(path), lang, {}};
  for (auto& i : imports) f.facts.imports.push_back({std::move(i), 1, false});
  return f;
}

// "src -> dst" for each resolved file edge.
V edges(const std::vector<SourceFile>& files, const RepoLayout& layout = {}) {
  V out;
  for (const auto& e : resolve(files, layout).file_edges) {
    out.push_back(files[e.src].path + " -> " + files[e.dst].path);
  }
  return out;
}

TEST(GraphResolve, IncludesBelowTheRepositorysOwnName) {
  // Indexing /usr/include/boost/asio: its headers include <boost/asio/...>.
  const std::vector<SourceFile> files{
      file("socket.hpp", Lang::Cpp, {"<boost/asio/detail/config.hpp", "<boost/system/error.hpp"}),
      file("detail/config.hpp", Lang::Cpp, {"<vector"})};
  RepoLayout layout;
  layout.root_name = "asio";
  EXPECT_EQ(edges(files, layout), (V{"socket.hpp -> detail/config.hpp"}));
  const auto r = resolve(files, layout);
  EXPECT_EQ(r.imports, 3u);
  EXPECT_EQ(r.unresolved, 2u);
}

TEST(GraphResolve, JavaScriptSpecifiers) {
  const std::vector<SourceFile> files{
      file("src/app.ts", Lang::TypeScript,
           {"./lib", "./util.js", "components/Button", "react", "../../outside"}),
      file("src/lib/index.ts", Lang::TypeScript, {}), file("src/util.ts", Lang::TypeScript, {}),
      file("src/components/Button.tsx", Lang::Tsx, {})};
  EXPECT_EQ(edges(files), (V{"src/app.ts -> src/lib/index.ts", "src/app.ts -> src/util.ts",
                             "src/app.ts -> src/components/Button.tsx"}));
}

TEST(GraphResolve, PythonPackagesAndSrcLayout) {
  const std::vector<SourceFile> files{file("src/pkg/a.py", Lang::Python, {"pkg.b", "..top", "os"}),
                                      file("src/pkg/b/__init__.py", Lang::Python, {}),
                                      file("src/top.py", Lang::Python, {})};
  EXPECT_EQ(edges(files),
            (V{"src/pkg/a.py -> src/pkg/b/__init__.py", "src/pkg/a.py -> src/top.py"}));
}

}  // namespace
}  // namespace sluice::intel::graph
