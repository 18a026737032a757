package org.gridpacs.web.viewer;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;

/** STOW-RS of data sets to another DICOMweb server, one request per instance (ViewerBrowserTest's development aid). */
final class StowTo {
    private StowTo() {
    }

    @SafeVarargs
    static void post(String studiesUrl, List<DataSet>... lists) throws Exception {
        String boundary = "gridpacs-viewer-test";
        for (List<DataSet> list : lists) {
            for (DataSet ds : list) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.write(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                DicomOutputStream out = new DicomOutputStream(body);
                out.writeFileMetaInformation(FileMetaInformation.create(ds.getString(Tag.SOPClassUID),
                        ds.getString(Tag.SOPInstanceUID), "1.2.840.10008.1.2.1", "VIEWERTEST"));
                out.writeDataSet(ds);
                out.finish();
                body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
                // a client per request, HTTP/1.1: Orthanc closes its connections after each answer by default
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(studiesUrl))
                        .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                        .header("Accept", "application/dicom+json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("STOW to " + studiesUrl + " answered " + r.statusCode() + ": "
                            + r.body());
                }
            }
        }
    }
}
