package org.gridpacs.dicom.image;

import java.io.IOException;

/**
 * Pixel data that cannot be decoded: a transfer syntax no decoder here handles (then {@link #unsupported()} is true
 * and the message names it), or a malformed or inconsistent encoding.
 */
public class PixelDataException extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean unsupported;

    public PixelDataException(String message) {
        this(message, false, null);
    }

    public PixelDataException(String message, Throwable cause) {
        this(message, false, cause);
    }

    private PixelDataException(String message, boolean unsupported, Throwable cause) {
        super(message, cause);
        this.unsupported = unsupported;
    }

    /** A transfer syntax with no decoder here: "transfer syntax JPEG 2000 Image Compression (1.2.840...) is not decoded". */
    public static PixelDataException unsupported(String transferSyntaxName, String uid) {
        return new PixelDataException("transfer syntax " + transferSyntaxName + " (" + uid + ") is not decoded", true,
                null);
    }

    /** True when the transfer syntax is one no decoder here handles (as opposed to damaged data). */
    public boolean unsupported() {
        return unsupported;
    }
}
