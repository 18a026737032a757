package org.gridpacs.web.stow;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomStreamException;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.json.DicomJsonWriter;
import org.gridpacs.web.media.MediaType;
import org.gridpacs.web.stow.StowResponse.Cause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * STOW-RS (PS3.18 10.5): POST /studies and /studies/{study} with {@code multipart/related;
 * type="application/dicom"}, each part a DICOM Part 10 file. The body is read part by part and each part's data
 * set streams into the archive's {@link org.gridpacs.archive.store.InstanceStore} (the path C-STORE takes: in a
 * cluster the replicating store), so memory does not grow with the size of a part or of the request. A part the
 * store refuses is reported in FailedSOPSequence and the others are stored; a part cut short is never stored.
 */
public final class StowRs implements DicomWebResource {
    private static final Logger LOG = LoggerFactory.getLogger(StowRs.class);
    private static final MediaType DICOM = MediaType.of("application", "dicom");
    private static final String EXPECTED = "multipart/related; type=\"application/dicom\"";

    private final DicomWebServices services;

    public StowRs(DicomWebServices services) {
        this.services = services;
    }

    @Override
    public void serve(DicomWebRequest request) throws Exception {
        String boundary = boundary(request.request().getHeaders().get(HttpHeader.CONTENT_TYPE));
        String study = request.path().study();
        StowResponse response = new StowResponse(request.serviceRoot(), study);
        InputStream body = Content.Source.asInputStream(request.request());
        MultipartReader reader = new MultipartReader(body, boundary);
        long t0 = System.nanoTime();
        try {
            MultipartReader.Part part;
            while ((part = reader.next()) != null) {
                storePart(part, study, response);
            }
        } catch (RequestBodyException e) {
            response.bodyFailed(e.getMessage());
        }
        int status = response.status();
        LOG.info("STOW-RS {} by {}: {} part(s) in {} ms, answered {}{}", request.request().getHttpURI().getPath(),
                request.caller().name(), reader.parts(), (System.nanoTime() - t0) / 1_000_000, status,
                response.reasons().isEmpty() ? "" : " (" + response.summary(5) + ")");
        if (status == 400 || status == 415) {
            // nothing stored and nothing the client can be told part by part beyond the reasons
            throw new HttpProblem(status, response.reasons().isEmpty() ? "the multipart body holds no part"
                    : response.summary(10));
        }
        answer(request, response, status);
    }

    /**
     * The boundary of a STOW-RS Content-Type, its parameters quoted or not, in any order.
     *
     * @throws HttpProblem 415 for another media type, 400 without a usable boundary
     */
    /** RFC 2046's limit is 70; a few clients go past it (Orthanc: 73). */
    static final int MAX_BOUNDARY = 200;

    static String boundary(String contentType) throws HttpProblem {
        if (contentType == null || contentType.isBlank()) {
            throw HttpProblem.unsupportedMediaType("no Content-Type: STOW-RS takes " + EXPECTED);
        }
        MediaType type;
        try {
            type = MediaType.parse(contentType);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("Content-Type: " + e.getMessage());
        }
        if (!type.isMultipartRelated()) {
            throw HttpProblem.unsupportedMediaType("Content-Type " + type.essence() + " is not supported: STOW-RS takes "
                    + EXPECTED + " (DICOM Part 10 files)");
        }
        MediaType related;
        try {
            related = type.related();
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("the type parameter of the Content-Type: " + e.getMessage());
        }
        // without a type parameter the parts say what they are (each is checked)
        if (related != null && !DICOM.includes(related)) {
            throw HttpProblem.unsupportedMediaType("type=" + related.essence() + " is not supported: this archive "
                    + "stores DICOM Part 10 files, " + EXPECTED + (related.subtype().startsWith("dicom+")
                    ? " (metadata with bulk data parts is not accepted)" : ""));
        }
        String boundary = type.parameter("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw HttpProblem.badRequest("the Content-Type has no boundary parameter: " + contentType);
        }
        // RFC 2046 allows 70 characters; Orthanc's DICOMweb client sends 73 (two UUIDs): be lenient, within reason
        if (boundary.length() > MAX_BOUNDARY) {
            throw HttpProblem.badRequest("the multipart boundary is longer than " + MAX_BOUNDARY + " characters");
        }
        return boundary;
    }

    /** Stores one part, or records why not; a broken body propagates. */
    private void storePart(MultipartReader.Part part, String study, StowResponse response) throws RequestBodyException {
        int n = part.number();
        String partType = part.contentType();
        if (partType != null) {
            MediaType t;
            try {
                t = MediaType.parse(partType);
            } catch (IllegalArgumentException e) {
                response.failed(n, null, null, Status.CANNOT_UNDERSTAND, Cause.UNREADABLE, "Content-Type: " + e.getMessage());
                return;
            }
            if (!DICOM.includes(t)) {
                response.failed(n, null, null, Status.SOP_CLASS_NOT_SUPPORTED, Cause.UNSUPPORTED_TYPE,
                        "a part of type " + t.essence() + "; only application/dicom (Part 10 files) is stored");
                return;
            }
        }
        InputStream content = part.content();
        DataSet meta;
        try {
            meta = FileMetaInformation.read(content);
        } catch (RequestBodyException e) {
            throw e;
        } catch (IOException e) {
            response.failed(n, null, null, Status.CANNOT_UNDERSTAND, Cause.UNREADABLE,
                    "not a DICOM Part 10 file: " + e.getMessage());
            return;
        }
        String cuid = meta.getString(Tag.MediaStorageSOPClassUID);
        String iuid = meta.getString(Tag.MediaStorageSOPInstanceUID);
        String tsuid = meta.getString(Tag.TransferSyntaxUID);
        if (blank(cuid) || blank(iuid) || blank(tsuid)) {
            response.failed(n, cuid, iuid, Status.CANNOT_UNDERSTAND, Cause.UNREADABLE, "the File Meta Information lacks "
                    + (blank(cuid) ? "(0002,0002) Media Storage SOP Class UID" : blank(iuid)
                    ? "(0002,0003) Media Storage SOP Instance UID" : "(0002,0010) Transfer Syntax UID"));
            return;
        }
        // the data set's own UIDs name the instance (the File Meta Information of some files disagrees with them,
        // pydicom's rtdose.dcm for one): read ahead to them, and to the Study Instance UID the URL may name
        StudyLookAhead.Result head = lookAhead(n, content, cuid, iuid, tsuid, response);
        if (head == null) {
            return;
        }
        cuid = blank(head.sopClassUID()) ? cuid : head.sopClassUID();
        iuid = blank(head.sopInstanceUID()) ? iuid : head.sopInstanceUID();
        if (study != null && head.studyInstanceUID() != null && !head.studyInstanceUID().equals(study)) {
            // PS3.18 10.5: an instance of another study than the one the request names is not stored. The standard
            // names no Failure Reason for it: C409, the code dcm4chee-arc answers (its DIFF_STUDY_INSTANCE_UID)
            response.failed(n, cuid, iuid, DIFFERENT_STUDY_INSTANCE_UID, Cause.REFUSED,
                    "its Study Instance UID " + head.studyInstanceUID() + " is not the study of the request, " + study);
            return;
        }
        InputStream data = head.dataSet();
        try {
            response.stored(services.store().store(new StoreRequest(cuid, iuid, tsuid, services.aeTitle()), data));
        } catch (StoreException e) {
            response.failed(n, cuid, iuid, e.status(), cause(e.status()), e.getMessage());
        } catch (RequestBodyException e) {
            response.failed(n, cuid, iuid, Status.CANNOT_UNDERSTAND, Cause.UNREADABLE, e.getMessage());
            throw e;
        } catch (IOException e) {
            // the store rethrows only what reading the part threw, and the part throws only RequestBodyException
            response.failed(n, cuid, iuid, Status.PROCESSING_FAILURE, Cause.REFUSED, String.valueOf(e.getMessage()));
        }
    }

    /** The data set's first UIDs and the whole data set again, or null when it cannot be read (recorded as failed). */
    private static StudyLookAhead.Result lookAhead(int n, InputStream content, String cuid, String iuid, String tsuid,
                                                  StowResponse response) throws RequestBodyException {
        try {
            return StudyLookAhead.read(content, TransferSyntax.of(tsuid));
        } catch (RequestBodyException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            response.failed(n, cuid, iuid, Status.CANNOT_UNDERSTAND, Cause.UNREADABLE, e.getMessage()); // unknown TS
        } catch (StudyLookAhead.TooFarException e) {
            response.failed(n, cuid, iuid, Status.OUT_OF_RESOURCES, Cause.REFUSED, e.getMessage());
        } catch (DicomStreamException | EOFException e) {
            response.failed(n, cuid, iuid, Status.CANNOT_UNDERSTAND, Cause.UNREADABLE,
                    "the data set cannot be read: " + e.getMessage());
        } catch (IOException e) {
            response.failed(n, cuid, iuid, Status.PROCESSING_FAILURE, Cause.REFUSED, String.valueOf(e.getMessage()));
        }
        return null;
    }

    /** Failure Reason of an instance whose study is not the one of the request's URL (dcm4chee-arc's code). */
    static final int DIFFERENT_STUDY_INSTANCE_UID = 0xC409;

    /** C000-C0FF (cannot understand) is the sender's bad syntax; every other refusal a conflict. */
    private static Cause cause(int status) {
        return (status & 0xF000) == 0xC000 ? Cause.UNREADABLE : Cause.REFUSED;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void answer(DicomWebRequest request, StowResponse response, int status) throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = DicomJsonWriter.generator(json)) {
            new DicomJsonWriter(g, DicomJsonWriter.BulkDataUris.NONE).write(response.dataSet());
        }
        var r = request.response();
        r.setStatus(status);
        r.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/dicom+json");
        int shown = 0;
        for (String reason : response.reasons()) {
            if (shown++ == 20) {
                break; // the body lists every failed instance; the headers only say why for the first ones
            }
            String w = reason.replaceAll("[\\r\\n\"\\\\]", " ").replaceAll("[^\\x20-\\x7e]", "?");
            r.getHeaders().add(HttpHeader.WARNING, "299 GridPACS \"" + w + "\"");
        }
        if (response.bodyBroken()) {
            r.getHeaders().put(HttpHeader.CONNECTION, "close"); // the rest of the body was not read
        }
        r.write(true, ByteBuffer.wrap(json.toByteArray()), request.callback());
    }
}
