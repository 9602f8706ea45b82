/** Build Next (next build) unless the build is newer than every source it is made from. */
export function buildIfStale(): void;
