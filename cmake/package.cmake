# `cpack -G DEB` (run in the build directory) packages the install tree of install.cmake as
# monitorc_VERSION_ARCH.deb. Depends comes from dpkg-shlibdeps over the binary, so it names the
# runtime libraries the build actually linked (libantlr4-runtime, libjemalloc2, ...) at the
# versions this Debian release has. libcurl is loaded with dlopen (engine/net/curl_client.cpp),
# which dpkg-shlibdeps cannot see: libcurl4 is named here, at 7.85.0 or later (the first with
# CURLOPT_PROTOCOLS_STR, which the client sets; Debian 12 has 7.88).
# cpack (and `make install`) package what was built and never start a build themselves: build
# first (`cmake --build build`). So the package test cannot rebuild the binary that other tests
# are running, and packaging takes seconds.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(MONITORC_PACKAGE_MAINTAINER "The monitorc authors <maintainers@monitorc.invalid>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME monitorc)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${MONITORC_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "monitors and dashboards as code for Mackerel, Prometheus and Grafana")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "monitorc compiles .mon files describing monitors, alerts and dashboards to Mackerel monitors and\n"
       "dashboards, Prometheus rule files and Grafana dashboards and alert rules; it checks them, plans\n"
       "the changes against a running service and applies them. Includes a language server, man pages,\n"
       "shell completions and Vim and Neovim support.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.85.0)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "vim | neovim, bash-completion")
# Control files 0644 (scripts 0755), as lintian expects.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
