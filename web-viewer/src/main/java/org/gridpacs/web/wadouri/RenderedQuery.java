package org.gridpacs.web.wadouri;

import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.render.ImageFormat;
import org.gridpacs.web.render.RenderParameters;
import org.gridpacs.web.render.Viewport;
import org.gridpacs.web.render.Window;

/**
 * The rendering parameters of a WADO-URI request (PS3.18 9.1.2.2): {@code frameNumber} (1-based, default 1),
 * {@code rows} and {@code columns} (the image is scaled, keeping its aspect ratio, to fit both, or to the one
 * given), {@code region=x1,y1,x2,y2} (fractions 0..1 of the image, applied before scaling),
 * {@code windowCenter} with {@code windowWidth} (LINEAR), {@code imageQuality} 1..100. Bad values are a 400.
 */
final class RenderedQuery {
    private RenderedQuery() {
    }

    static RenderParameters parse(DicomWebRequest request, ImageFormat format) throws HttpProblem {
        int frame = positive(request, "frameNumber", 1, Integer.MAX_VALUE);
        int rows = positive(request, "rows", 0, Viewport.MAX_SIZE);
        int columns = positive(request, "columns", 0, Viewport.MAX_SIZE);
        Viewport.Region region = region(request.parameter("region"));
        Viewport viewport = rows == 0 && columns == 0 && region == null ? null
                : new Viewport(columns, rows, region, true);
        String center = request.parameter("windowCenter");
        String width = request.parameter("windowWidth");
        Window window = null;
        if (center != null || width != null) {
            if (center == null || width == null) {
                throw HttpProblem.badRequest("windowCenter and windowWidth go together; only "
                        + (center != null ? "windowCenter" : "windowWidth") + " was given");
            }
            try {
                window = Window.parse(center + "," + width + ",LINEAR");
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest(e.getMessage());
            }
        }
        int quality = positive(request, "imageQuality", ImageFormat.DEFAULT_QUALITY, 100);
        return new RenderParameters(frame, window, viewport, quality, format);
    }

    /** A whole number from 1 to {@code max}, or {@code absent}. */
    private static int positive(DicomWebRequest request, String name, int absent, int max) throws HttpProblem {
        String v = request.parameter(name);
        if (v == null || v.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HttpProblem.badRequest(name + " \"" + v + "\" is not a whole number from 1 to " + max);
    }

    private static Viewport.Region region(String v) throws HttpProblem {
        if (v == null || v.isBlank()) {
            return null;
        }
        String[] p = v.split(",", -1);
        double[] d = new double[4];
        boolean ok = p.length == 4;
        for (int k = 0; ok && k < 4; k++) {
            try {
                d[k] = Double.parseDouble(p[k].trim());
                ok = d[k] >= 0 && d[k] <= 1;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok || d[0] >= d[2] || d[1] >= d[3]) {
            throw HttpProblem.badRequest("region \"" + v + "\" is not x1,y1,x2,y2 with 0 <= x1 < x2 <= 1 and "
                    + "0 <= y1 < y2 <= 1");
        }
        return new Viewport.Region(d[0], d[1], d[2] - d[0], d[3] - d[1], true);
    }
}
