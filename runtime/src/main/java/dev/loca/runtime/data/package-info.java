/**
 * Generic image data: decoding, image datasets (folders, file lists, ADE20K and Pascal VOC layouts, the
 * embedded synthetic scenes), and the prefetching loader. Knows nothing of LOCA's views.
 */
package dev.loca.runtime.data;
