package org.gridpacs.web.wadouri;

import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.NoAcceptableTransferSyntaxException;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.pixels.StoredPixelData;
import org.gridpacs.web.pixels.SyntaxNames;
import org.gridpacs.web.wado.OpenedInstance;
import org.gridpacs.web.wado.WadoResponse;

/**
 * A WADO-URI answer of content type application/dicom (PS3.18 9.1.2.1.x): the instance as a Part 10 file, File Meta
 * Information first, in the transfer syntax asked for: Explicit VR Little Endian when none is (the default of the
 * standard), the stored one for {@code *}. It is opened as WADO-RS opens an instance ({@link OpenedInstance}: through
 * the retrieve service like a C-GET, so that the conversion between uncompressed syntaxes streams and a copy held by
 * another node is read from there; lossless RLE and JPEG data asked for in Explicit VR Little Endian are decoded,
 * without the elements after Pixel Data); a syntax the stored data cannot be converted to is a 406 that says to ask
 * for {@code transferSyntax=*}.
 */
final class DicomFileAnswer {
    static final String AS_STORED = "*";

    private DicomFileAnswer() {
    }

    static void send(DicomWebRequest request, RetrieveService retrieve, IndexedInstance instance,
                     String transferSyntax) throws HttpProblem, IOException {
        String ts = transferSyntax == null || transferSyntax.isBlank() ? UID.ExplicitVRLittleEndian
                : transferSyntax.trim().equals(AS_STORED) ? instance.transferSyntaxUID() : transferSyntax.trim();
        OpenedInstance opened;
        try {
            opened = OpenedInstance.open(retrieve, WadoResponse.context(request), instance, ts);
        } catch (NoAcceptableTransferSyntaxException | StoredPixelData.NoPixelData e) {
            throw HttpProblem.notAcceptable("instance " + instance.sopInstanceUID() + " cannot be sent in "
                    + SyntaxNames.of(ts) + ": " + e.getMessage() + "; transferSyntax=* gives it as stored");
        }
        try (opened) {
            OutputStream out = WadoResponse.start(request, 200, "application/dicom", null);
            opened.writeTo(out);
            // closed only when whole: closing after a failure would end the answer as if the file were complete
            WadoResponse.finish(request, out);
        }
    }
}
