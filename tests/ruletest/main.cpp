#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "backend.h"

static const bool kTargetKindsInstalled = (mon::installTargetKinds(), true);
