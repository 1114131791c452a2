# What `cmake --install` puts where (the Debian package is the same tree, see package.cmake):
#   bin/monitorc
#   share/man/man1/monitorc.1.gz, monitorc-COMMAND.1.gz       from the binary's own --help
#   share/bash-completion/completions/monitorc, share/zsh/vendor-completions/_monitorc,
#   share/fish/vendor_completions.d/monitorc.fish              likewise
#   share/vim/vimfiles/{ftdetect,ftplugin,indent,syntax}/monitorc.vim   on Vim's runtimepath
#   share/nvim/site/pack/monitorc/start/monitorc/   the Neovim plugin with the Vim files beside
#                                                   it (a package Neovim loads at start-up)
#   share/doc/monitorc/   README, CHANGELOG, copyright, docs/*.md and examples/
include(GNUInstallDirs)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# Man pages and completions are made after monitorc is linked, by running its --help through
# docs/cli/generate.py: they cannot disagree with the binary they are installed with.
set(MON_CLI_DOCS ${CMAKE_BINARY_DIR}/cli-docs)
file(GLOB MON_CLI_DOC_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/cli/*)
add_custom_command(
  OUTPUT ${MON_CLI_DOCS}/stamp
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${MON_CLI_DOCS}/share ${MON_CLI_DOCS}/man1
  COMMAND ${CMAKE_COMMAND} -E env PYTHONDONTWRITEBYTECODE=1
          ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/docs/cli/generate.py --monitorc $<TARGET_FILE:monitorc>
          --version ${PROJECT_VERSION} --out ${MON_CLI_DOCS}
  COMMAND ${CMAKE_COMMAND} -E touch ${MON_CLI_DOCS}/stamp
  DEPENDS monitorc ${MON_CLI_DOC_SOURCES}
  COMMENT "Man pages and shell completions from monitorc --help")
add_custom_target(monitorc_cli_docs ALL DEPENDS ${MON_CLI_DOCS}/stamp)

install(TARGETS monitorc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${MON_CLI_DOCS}/share/ DESTINATION ${CMAKE_INSTALL_DATADIR})

set(MON_VIM_DIRS ${PROJECT_SOURCE_DIR}/editors/vim/ftdetect ${PROJECT_SOURCE_DIR}/editors/vim/ftplugin
                 ${PROJECT_SOURCE_DIR}/editors/vim/indent ${PROJECT_SOURCE_DIR}/editors/vim/syntax)
install(DIRECTORY ${MON_VIM_DIRS} DESTINATION ${CMAKE_INSTALL_DATADIR}/vim/vimfiles)
set(MON_NVIM_PACK ${CMAKE_INSTALL_DATADIR}/nvim/site/pack/monitorc/start/monitorc)
install(DIRECTORY ${MON_VIM_DIRS} ${PROJECT_SOURCE_DIR}/editors/nvim/plugin ${PROJECT_SOURCE_DIR}/editors/nvim/lua
        DESTINATION ${MON_NVIM_PACK})

install(FILES README.md CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md" PATTERN "cli" EXCLUDE)
# Not what a run of the examples leaves behind (.monitorc/ state, build/ output).
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples PATTERN ".*" EXCLUDE PATTERN "build" EXCLUDE)
