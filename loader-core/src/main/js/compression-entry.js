export { Gzip, Gunzip, Deflate, Inflate, Zlib, Unzlib, Decompress } from 'fflate';
