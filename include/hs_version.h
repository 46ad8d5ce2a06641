/* hs_version.h - the one place the release number lives (both binaries'
 * --version, the man page's footer is written from it by hand). */
#ifndef HS_VERSION_H
#define HS_VERSION_H

#define HS_VERSION	"0.1.0"

#endif
