#ifndef QUIVER_PREFETCH_H
#define QUIVER_PREFETCH_H

/* Cache-line prefetch hints for Swift, which has no intrinsic for them. A hint never faults,
   whatever the address. */

/* Brings the line holding p into every cache level, for reading. */
static inline void quiver_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/* Brings the line holding p into every cache level, for writing. */
static inline void quiver_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

#endif
