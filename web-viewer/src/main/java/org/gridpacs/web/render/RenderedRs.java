package org.gridpacs.web.render;

import java.util.List;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.ResourcePath;
import org.gridpacs.web.ResourcePath.Kind;
import org.gridpacs.web.media.MediaType;
import org.gridpacs.web.target.RetrieveTarget;

/**
 * WADO-RS rendered and thumbnail resources (PS3.18 8.3.5, 10.4.1.1.3, 10.4.1.1.4) at study, series, instance and
 * frame level: one image, in the first of image/jpeg (the default), image/png or image/gif that the Accept header or
 * {@code accept} parameter allows (else 406). Query parameters: {@code window=center,width[,function]},
 * {@code viewport=vw,vh[,sx,sy,sw,sh]}, {@code quality} (1..100, JPEG); {@code annotation} and unknown parameters
 * are ignored.
 *
 * <p>A study or series is shown by a representative instance: the middle one (by Instance Number) of the series, or
 * of the study's first series that has an image. A multi-frame instance without a frame list shows its first frame;
 * a frame list names exactly one frame. A thumbnail is the rendered image fitted into 128 x 128 (keeping its
 * aspect ratio) unless a viewport says otherwise.
 */
public final class RenderedRs implements DicomWebResource {
    static final int THUMBNAIL_SIZE = 128;

    private final RetrieveTarget instances;
    private final Renderer renderer;

    public RenderedRs(DicomWebServices services) {
        this.instances = new RetrieveTarget(services.retrieve());
        this.renderer = new Renderer(services.retrieve());
    }

    @Override
    public void serve(DicomWebRequest request) throws Exception {
        ResourcePath path = request.path();
        boolean thumbnail = path.kind() == Kind.THUMBNAIL || path.kind() == Kind.FRAMES_THUMBNAIL;
        ImageFormat format = format(request);
        Window window = parse(request.parameter("window"), Window::parse);
        Viewport viewport = parse(request.parameter("viewport"), Viewport::parse);
        if (viewport == null && thumbnail) {
            viewport = Viewport.thumbnail(THUMBNAIL_SIZE);
        }
        int quality = quality(request.parameter("quality"));
        int frame = path.frames() != null ? frame(path.frames()) : 1;
        if (path.instance() != null) {
            IndexedInstance i = instances.instance(path.study(), path.series(), path.instance());
            RenderParameters params = new RenderParameters(frame, window, viewport, quality, format);
            RenderedAnswer.send(request, RenderedAnswer.render(renderer, i, params));
            return;
        }
        RenderParameters params = new RenderParameters(1, window, viewport, quality, format);
        HttpProblem refused = null;
        for (List<IndexedInstance> series : instances.bySeries(path.study(), path.series())) {
            IndexedInstance middle = series.get((series.size() - 1) / 2);
            try {
                RenderedAnswer.send(request, RenderedAnswer.render(renderer, middle, params));
                return;
            } catch (HttpProblem e) {
                if (e.status() != 406) {
                    throw e;
                }
                refused = e; // a series without images (a structure set, a plan): try the next one
            }
        }
        throw refused;
    }

    /** The first of the image formats the request accepts; 406 naming the ones there are when none. */
    static ImageFormat format(DicomWebRequest request) throws HttpProblem {
        List<MediaType> ranges = request.accept().ranges();
        for (MediaType range : ranges) {
            ImageFormat f = ImageFormat.includedIn(range);
            if (f != null) {
                return f;
            }
        }
        throw HttpProblem.notAcceptable("rendered images are given as " + ImageFormat.names() + "; the request accepts "
                + (ranges.isEmpty() ? "nothing" : String.join(", ", ranges.stream().map(MediaType::toString).toList())));
    }

    interface Parser<T> {
        T parse(String value);
    }

    static <T> T parse(String value, Parser<T> parser) throws HttpProblem {
        if (value == null) {
            return null;
        }
        try {
            return parser.parse(value);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
    }

    /** JPEG quality 1..100 (PS3.18 8.3.5.1.4); the default when absent. */
    static int quality(String value) throws HttpProblem {
        if (value == null) {
            return ImageFormat.DEFAULT_QUALITY;
        }
        try {
            int q = Integer.parseInt(value.trim());
            if (q >= 1 && q <= 100) {
                return q;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HttpProblem.badRequest("quality \"" + value + "\" is not a whole number from 1 to 100");
    }

    /** The one frame a frame list names (1-based). */
    static int frame(String list) throws HttpProblem {
        String[] parts = list.split(",", -1);
        if (parts.length != 1) {
            throw HttpProblem.badRequest("a rendered image shows one frame; the frame list " + list + " names "
                    + parts.length);
        }
        try {
            int f = Integer.parseInt(parts[0].trim());
            if (f >= 1) {
                return f;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HttpProblem.badRequest("frame number \"" + parts[0] + "\" is not a whole number from 1");
    }
}
