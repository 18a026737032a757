package org.gridpacs.web.wado;

/**
 * How the frames (or the Pixel Data) of one instance are sent, as negotiated from the Accept header.
 *
 * @param mode        how the bytes of a part are made from the stored Pixel Data
 * @param partType    the Content-Type of each part (or of the single-part body), with its transfer-syntax
 * @param relatedType the {@code type} parameter of the multipart body
 * @param multipart   false for a single-part answer (the client accepted a bare media type)
 */
record FrameRendition(Mode mode, String partType, String relatedType, boolean multipart) {

    enum Mode {
        /** Native stored data, little endian (big-endian data byte-swapped). */
        NATIVE,
        /** Compressed stored data decoded to native little endian. */
        DECODED,
        /** Compressed stored data as stored: each frame's fragments. */
        AS_STORED
    }
}
