package org.gridpacs.web.wadouri;

import java.util.List;
import java.util.Locale;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.media.AcceptHeader;
import org.gridpacs.web.media.MediaType;
import org.gridpacs.web.render.ImageFormat;
import org.gridpacs.web.render.RenderParameters;
import org.gridpacs.web.render.RenderedAnswer;
import org.gridpacs.web.render.Renderer;
import org.gridpacs.web.target.RetrieveTarget;

/**
 * WADO-URI (PS3.18 chapter 9), {@code GET /wado?requestType=WADO&studyUID=&seriesUID=&objectUID=...}: the instance
 * as a Part 10 file ({@code contentType=application/dicom}, with {@code transferSyntax}) or one frame rendered as
 * image/jpeg (the default), image/png or image/gif, with {@code frameNumber}, {@code rows}, {@code columns},
 * {@code region}, {@code windowCenter}/{@code windowWidth} and {@code imageQuality} (see {@link RenderedQuery}).
 *
 * <p>The {@code contentType} parameter alone chooses the media type: the Accept header is not read, because OHIF
 * sends its multipart WADO-RS Accept header on these requests too. {@code anonymize=yes} is refused (400: this
 * archive does not de-identify on the fly); {@code charset}, {@code annotation}, {@code presentationUID} and
 * {@code presentationSeriesUID} are ignored, as are the rendering parameters with application/dicom.
 */
public final class WadoUri implements DicomWebResource {
    private final DicomWebServices services;
    private final RetrieveTarget instances;
    private final Renderer renderer;

    public WadoUri(DicomWebServices services) {
        this.services = services;
        this.instances = new RetrieveTarget(services.retrieve());
        this.renderer = new Renderer(services.retrieve());
    }

    @Override
    public void serve(DicomWebRequest request) throws Exception {
        String requestType = request.parameter("requestType");
        if (requestType == null) {
            throw HttpProblem.badRequest("requestType=WADO is required");
        }
        if (!requestType.trim().equals("WADO")) {
            throw HttpProblem.badRequest("requestType \"" + requestType + "\" is not WADO");
        }
        String study = required(request, "studyUID");
        String series = required(request, "seriesUID");
        String object = required(request, "objectUID");
        String anonymize = request.parameter("anonymize");
        if (anonymize != null) {
            throw HttpProblem.badRequest("anonymize=" + anonymize + " is not supported: this archive does not "
                    + "de-identify on retrieval");
        }
        Object contentType = contentType(request.parameter("contentType"));
        RenderParameters params = contentType instanceof ImageFormat f ? RenderedQuery.parse(request, f) : null;
        IndexedInstance instance = instances.instance(study, series, object);
        if (params == null) {
            DicomFileAnswer.send(request, services.retrieve(), instance, request.parameter("transferSyntax"));
        } else {
            RenderedAnswer.send(request, RenderedAnswer.render(renderer, instance, params));
        }
    }

    private static String required(DicomWebRequest request, String name) throws HttpProblem {
        String v = request.parameter(name);
        if (v == null || v.isBlank()) {
            throw HttpProblem.badRequest(name + " is required");
        }
        return v.trim();
    }

    /**
     * The first media type of the {@code contentType} list (PS3.18 9.1.2.2.x, preference by q-value) that can be
     * given: application/dicom (the string {@link #DICOM}) or an {@link ImageFormat}; image/jpeg when absent.
     */
    static Object contentType(String value) throws HttpProblem {
        if (value == null || value.isBlank()) {
            return ImageFormat.JPEG;
        }
        List<MediaType> ranges;
        try {
            ranges = AcceptHeader.parse(value).ranges();
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("contentType: " + e.getMessage());
        }
        for (MediaType m : ranges) {
            if (m.essence().toLowerCase(Locale.ROOT).equals(DICOM)) {
                return DICOM;
            }
            ImageFormat f = ImageFormat.includedIn(m);
            if (f != null) {
                return f;
            }
        }
        throw HttpProblem.notAcceptable("contentType " + value + " cannot be given: WADO-URI answers "
                + DICOM + ", " + ImageFormat.names());
    }

    static final String DICOM = "application/dicom";
}
