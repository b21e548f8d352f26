# tree-sitter grammars for the code graph (src/intel/graph): the npm packages pinned in
# third_party/grammars (scripts/grammars.sh installs them, with no install script run), each
# grammar's generated parser.c and external scanner compiled here into a small static library.
#
# Their own flags, not the project's: the files are generated tables (the C++ parser.c is 17 MB),
# so no sanitizers (nothing of ours to find there, and ASan makes them several times slower),
# no warnings and no debug info. -O1: indexing Boost.Asio parses no faster with -O0, -O1 or -O2
# grammars (the runtime's loop over the tables does the work), and -O1 compiles a fifth faster
# than -O2 (all nine in ~10 s of CPU). Debian 12's libtree-sitter 0.20 loads grammar ABI 13-14,
# hence the pinned versions.

enable_language(C)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

pkg_check_modules(TREE_SITTER REQUIRED IMPORTED_TARGET tree-sitter)

set(SLUICE_GRAMMAR_ROOT ${PROJECT_SOURCE_DIR}/third_party/grammars)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${SLUICE_GRAMMAR_ROOT}/package-lock.json)
execute_process(COMMAND ${PROJECT_SOURCE_DIR}/scripts/grammars.sh RESULT_VARIABLE grammars_rc)
if(NOT grammars_rc EQUAL 0)
  message(FATAL_ERROR "scripts/grammars.sh failed (npm ci in third_party/grammars): the code "
                      "graph needs the tree-sitter grammar sources")
endif()

add_library(sluice_grammars INTERFACE)
# name: the tree_sitter_<name>() function; dir: the folder holding src/parser.c.
function(sluice_grammar name dir)
  set(src ${SLUICE_GRAMMAR_ROOT}/node_modules/${dir}/src)
  if(NOT EXISTS ${src}/parser.c)
    message(FATAL_ERROR "${src}/parser.c is missing; run scripts/grammars.sh")
  endif()
  set(sources ${src}/parser.c)
  if(EXISTS ${src}/scanner.c)
    list(APPEND sources ${src}/scanner.c)
  endif()
  add_library(ts_grammar_${name} STATIC ${sources})
  # Drop what add_compile_options() put on every target (the sanitizers), then our own flags;
  # they come after CMAKE_C_FLAGS_<CONFIG>, so -O1 -g0 win over a Debug build's -O0 -g.
  set_property(TARGET ts_grammar_${name} PROPERTY COMPILE_OPTIONS "")
  target_compile_options(ts_grammar_${name} PRIVATE -O1 -g0 -w)
  set_target_properties(ts_grammar_${name} PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
  # The grammar's own tree_sitter/parser.h, not Debian's (generated code matches its copy).
  target_include_directories(ts_grammar_${name} PRIVATE ${src})
  target_link_libraries(sluice_grammars INTERFACE ts_grammar_${name})
endfunction()

sluice_grammar(python tree-sitter-python)
sluice_grammar(javascript tree-sitter-javascript)
sluice_grammar(typescript tree-sitter-typescript/typescript)
sluice_grammar(tsx tree-sitter-typescript/tsx)
sluice_grammar(go tree-sitter-go)
sluice_grammar(rust tree-sitter-rust)
sluice_grammar(java tree-sitter-java)
sluice_grammar(c tree-sitter-c)
sluice_grammar(cpp tree-sitter-cpp)
target_link_libraries(sluice_grammars INTERFACE PkgConfig::TREE_SITTER)
