#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "backend.h"

// Sources with targets compile as in monitorc: the checker knows the backends' target kinds.
static const bool kTargetKindsInstalled = (mon::installTargetKinds(), true);
