// mmap(2)'s numbers: protections, flags and the page size, as mm.ts and shm.ts use them.
export const PAGE = 4096;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const MAP_SHARED = 0x1;
export const MAP_PRIVATE = 0x2;
export const MAP_SHARED_VALIDATE = 0x3;
export const MAP_TYPE = 0xf;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_32BIT = 0x40;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_FIXED_NOREPLACE = 0x100000;
