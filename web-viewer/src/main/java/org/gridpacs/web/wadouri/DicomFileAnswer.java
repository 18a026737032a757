package org.gridpacs.web.wadouri;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.AcceptedTransferSyntaxes;
import org.gridpacs.archive.retrieve.DataSetTransform;
import org.gridpacs.archive.retrieve.Destination;
import org.gridpacs.archive.retrieve.NoAcceptableTransferSyntaxException;
import org.gridpacs.archive.retrieve.Requester;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.archive.retrieve.RetrievedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.render.DecompressedInstance;
import org.gridpacs.web.render.NotRenderableException;

/**
 * A WADO-URI answer of content type application/dicom (PS3.18 9.1.2.1.x): the instance as a Part 10 file, File Meta
 * Information first, in the transfer syntax asked for: Explicit VR Little Endian when none is (the default of the
 * standard), the stored one for {@code *}. It is opened through the retrieve service like a C-GET, so that the
 * conversion between uncompressed syntaxes streams and a copy held by another node is read from there; a syntax the
 * stored data cannot be converted to without a codec is a 406 that says to ask for {@code transferSyntax=*}, except
 * that lossless RLE and JPEG data asked for in Explicit VR Little Endian are decoded ({@link DecompressedInstance}).
 */
final class DicomFileAnswer {
    static final String AS_STORED = "*";

    private DicomFileAnswer() {
    }

    static void send(DicomWebRequest request, RetrieveService retrieve, IndexedInstance instance,
                     String transferSyntax) throws HttpProblem, IOException {
        String ts = transferSyntax == null || transferSyntax.isBlank() ? UID.ExplicitVRLittleEndian
                : transferSyntax.trim().equals(AS_STORED) ? instance.transferSyntaxUID() : transferSyntax.trim();
        if (ts.equals(UID.ExplicitVRLittleEndian) && DecompressedInstance.canDecompress(instance.transferSyntaxUID())) {
            sendDecompressed(request, retrieve, instance);
            return;
        }
        String address = request.request().getConnectionMetaData().getRemoteSocketAddress().toString();
        RetrieveContext context = new RetrieveContext(new Requester(null, request.caller().name(), address),
                Destination.httpClient(address), AcceptedTransferSyntaxes.always(List.of(ts)), DataSetTransform.IDENTITY);
        RetrievedInstance r;
        try {
            r = retrieve.open(context, instance);
        } catch (NoAcceptableTransferSyntaxException e) {
            String name = UIDs.nameOf(ts);
            throw HttpProblem.notAcceptable("instance " + instance.sopInstanceUID() + " cannot be sent in "
                    + (name != null ? name + " (" + ts + ")" : ts) + ": " + e.getMessage()
                    + "; transferSyntax=* gives it as stored");
        }
        try (r) {
            OutputStream out = start(request, r.sopClassUID(), r.sopInstanceUID(), r.transferSyntax().uid());
            r.writeTo(out);
            // closed only when whole: closing after a failure would end the answer as if the file were complete
            out.close();
        }
        request.callback().succeeded();
    }

    /** Lossless compressed data asked for in Explicit VR Little Endian: decoded frame by frame. */
    private static void sendDecompressed(DicomWebRequest request, RetrieveService retrieve, IndexedInstance instance)
            throws HttpProblem, IOException {
        DecompressedInstance d;
        try {
            d = DecompressedInstance.open(retrieve, instance);
        } catch (NotRenderableException e) {
            throw HttpProblem.notAcceptable("instance " + instance.sopInstanceUID() + " cannot be sent in Explicit VR "
                    + "Little Endian: " + e.getMessage() + "; transferSyntax=* gives it as stored");
        }
        try (d) {
            OutputStream out = start(request, d.sopClassUID(), d.sopInstanceUID(), UID.ExplicitVRLittleEndian);
            d.writeTo(out);
            out.close();
        }
        request.callback().succeeded();
    }

    /** Starts the answer: status, Content-Type and the File Meta Information. */
    private static OutputStream start(DicomWebRequest request, String sopClass, String sopInstance, String ts)
            throws IOException {
        var response = request.response();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/dicom");
        OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024);
        out.write(FileMetaInformation.encode(FileMetaInformation.create(sopClass, sopInstance, ts, null)));
        return out;
    }
}
