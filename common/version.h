/* version: what a feedmill binary is, in one place: its release, the
 * version of the extractor that writes records (a newer one rewrites the
 * rows an older one wrote) and the schema of the database it writes.
 * `feedmill --version` prints them and every component's metrics say
 * them (feedmill_build_info), so a fleet of machines can be checked.
 *
 * FEEDMILL_VERSION comes from CMakeLists.txt's project(VERSION). */
#ifndef FEEDMILL_VERSION_H
#define FEEDMILL_VERSION_H

#ifndef FEEDMILL_VERSION
#define FEEDMILL_VERSION "unknown"
#endif

/* Bumped whenever extraction output changes for the same input
 * (extract/extract.h: EXTRACT_VERSION). */
#define FEEDMILL_EXTRACT_VERSION 12
/* Bumped with every migration step (sink/store.h: STORE_SCHEMA_VERSION). */
#define FEEDMILL_SCHEMA_VERSION 11

#define FEEDMILL_STRINGIFY_(x) #x
#define FEEDMILL_STRINGIFY(x) FEEDMILL_STRINGIFY_(x)

#endif
