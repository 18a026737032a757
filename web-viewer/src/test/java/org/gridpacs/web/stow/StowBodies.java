package org.gridpacs.web.stow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.web.WebTestServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** STOW-RS request bodies for the tests: Part 10 files and multipart/related bodies made of them. */
final class StowBodies {
    static final String DICOM_PART = "Content-Type: application/dicom\r\n\r\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StowBodies() {
    }

    /** A Part 10 file of {@code ds}, Explicit VR Little Endian. */
    static byte[] part10(DataSet ds) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bos);
        out.writeFileMetaInformation(FileMetaInformation.create(ds.getString(Tag.SOPClassUID),
                ds.getString(Tag.SOPInstanceUID), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), null));
        out.writeDataSet(ds);
        out.finish();
        return bos.toByteArray();
    }

    /** A multipart body, each part with {@code partHeader} ("Content-Type: ...\r\n\r\n") before it. */
    static byte[] multipart(String boundary, String partHeader, List<byte[]> parts) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            bos.write(("--" + boundary + "\r\n" + partHeader).getBytes(StandardCharsets.US_ASCII));
            bos.write(p);
            bos.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        bos.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return bos.toByteArray();
    }

    static byte[] multipart(String boundary, List<byte[]> parts) throws IOException {
        return multipart(boundary, DICOM_PART, parts);
    }

    static HttpResponse<String> post(WebTestServer s, String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.origin() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Accept", "application/dicom+json");
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return s.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** The data set of a Part 10 file (its meta information left out). */
    static DataSet dataSet(InputStream file) throws IOException {
        DicomInputStream in = new DicomInputStream(file);
        in.readFileMetaInformation();
        return in.readDataSet();
    }

    static DataSet dataSet(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return dataSet(in);
        }
    }
}
