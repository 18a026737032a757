package org.gridpacs.dicom.io;

import java.io.IOException;

/** The stream is not valid DICOM; the message says where and why. */
public class DicomStreamException extends IOException {
    public DicomStreamException(String message) {
        super(message);
    }
}
