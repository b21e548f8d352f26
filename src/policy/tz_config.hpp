#pragma once
// Includes Howard Hinnant's date/tz library configured as Debian builds libdate-tz (reading the
// system's /usr/share/zoneinfo). The macros must match the library's build in every translation
// unit; the build's date::date-tz target sets them too, and these guards then do nothing.

#ifndef USE_OS_TZDB
#define USE_OS_TZDB 1
#endif
#ifndef HAS_STRING_VIEW
#define HAS_STRING_VIEW 1
#endif
#ifndef ONLY_C_LOCALE
#define ONLY_C_LOCALE 1
#endif

#include <date/date.h>
#include <date/tz.h>
