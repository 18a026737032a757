package org.gridpacs.web.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.image.ImagePixel;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.web.pixels.StoredPixelData;
import org.gridpacs.web.pixels.SyntaxNames;

/**
 * Renders one frame of a stored instance as an image (PS3.18 8.3.5, 9 for WADO-URI), reading only that frame (see
 * {@link StoredPixelData}). Monochrome: Modality LUT (Rescale Slope/Intercept), then the VOI window asked for, else the
 * instance's first Window Center/Width (with its VOI LUT Function), else the frame's min..max; MONOCHROME1 inverted.
 * Colour (RGB, YBR_FULL, YBR_FULL_422): as it is. RT Dose: the dose (stored value x Dose Grid Scaling) as a
 * {@link DoseColourMap} colour wash from 0 to the maximum dose of the whole grid (every frame is read once to find
 * it, one at a time), or across the window when one is asked for. Then the {@link Viewport}, then the encoding.
 */
public final class Renderer {
    private final RetrieveService retrieve;

    public Renderer(RetrieveService retrieve) {
        this.retrieve = retrieve;
    }

    /** The encoded image. */
    public record Rendered(byte[] bytes, ImageFormat format) {
    }

    /**
     * @throws NotRenderableException   no Pixel Data, a transfer syntax or photometric interpretation not handled
     * @throws FrameOutOfRangeException a frame past Number of Frames
     * @throws IllegalArgumentException a viewport region outside the image
     */
    public Rendered render(IndexedInstance instance, RenderParameters params) throws IOException {
        try (StoredPixelData source = open(instance)) {
            ImagePixel p = source.pixel();
            if (params.frame() < 1 || params.frame() > p.frames()) {
                throw new FrameOutOfRangeException("frame " + params.frame() + " asked for, instance "
                        + instance.sopInstanceUID() + " has " + p.frames());
            }
            BufferedImage image = render(source, params.frame() - 1, params.window());
            image = Scaler.apply(image, params.viewport());
            return new Rendered(params.format().encode(image, params.quality()), params.format());
        }
    }

    /**
     * The instance's Pixel Data, opened.
     *
     * @throws NotRenderableException for an instance without Pixel Data or with a transfer syntax not decoded here
     */
    private StoredPixelData open(IndexedInstance instance) throws IOException {
        StoredPixelData px;
        try {
            px = StoredPixelData.open(retrieve.open(instance));
        } catch (StoredPixelData.NoPixelData e) {
            throw new NotRenderableException("instance " + instance.sopInstanceUID() + ": " + e.getMessage());
        }
        if (!px.decodable()) {
            TransferSyntax ts = px.transferSyntax();
            px.close();
            throw new NotRenderableException("its pixel data is in transfer syntax " + SyntaxNames.of(ts.uid())
                    + ", which is not decoded here");
        }
        return px;
    }

    private static BufferedImage render(StoredPixelData source, int frame, Window asked) throws IOException {
        ImagePixel p = source.pixel();
        DataSet header = source.header();
        if (p.samplesPerPixel() == 3) {
            return ColourFrame.toImage(source.frame(frame), p);
        }
        String pi = p.photometricInterpretation();
        if (!pi.equals("MONOCHROME1") && !pi.equals("MONOCHROME2")) {
            throw new NotRenderableException("photometric interpretation " + pi + " is not rendered");
        }
        if (ModalityValues.isDose(header)) {
            return dose(source, frame, asked);
        }
        double[] v = ModalityValues.of(source.frame(frame), p, header);
        Window w = asked != null ? asked : instanceWindow(header);
        if (w == null) {
            w = rangeOf(v);
        }
        boolean invert = pi.equals("MONOCHROME1");
        BufferedImage img = new BufferedImage(p.columns(), p.rows(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < v.length; i++) {
            int g = (int) Math.round(w.apply(v[i]));
            out[i] = (byte) (invert ? 255 - g : g);
        }
        return img;
    }

    private static BufferedImage dose(StoredPixelData source, int frame, Window asked) throws IOException {
        ImagePixel p = source.pixel();
        double[] wanted = null;
        double max = 0;
        int last = asked != null ? frame : p.frames() - 1;
        for (int k = 0; k <= last; k++) {
            double[] v = ModalityValues.of(source.frame(k), p, source.header());
            for (double d : v) {
                max = Math.max(max, d);
            }
            if (k == frame) {
                wanted = v;
            }
        }
        BufferedImage img = new BufferedImage(p.columns(), p.rows(), BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            double t = asked != null ? asked.apply(wanted[i]) / 255 : max > 0 ? wanted[i] / max : 0;
            rgb[i] = DoseColourMap.rgb(t);
        }
        img.setRGB(0, 0, p.columns(), p.rows(), rgb, 0, p.columns());
        return img;
    }

    /** The first Window Center/Width of the instance with its VOI LUT Function; null when absent or unusable. */
    static Window instanceWindow(DataSet header) {
        double[] c;
        double[] w;
        try {
            c = header.getDoubles(Tag.WindowCenter);
            w = header.getDoubles(Tag.WindowWidth);
        } catch (NumberFormatException e) {
            return null; // a malformed DS: fall back to the frame's range
        }
        if (c.length == 0 || w.length == 0) {
            return null;
        }
        String fn = header.getString(Tag.VOILUTFunction, "LINEAR").trim();
        try {
            return new Window(c[0], w[0], Window.Function.valueOf(fn.isEmpty() ? "LINEAR" : fn));
        } catch (IllegalArgumentException e) {
            try {
                return new Window(c[0], w[0], Window.Function.LINEAR);
            } catch (IllegalArgumentException again) {
                return null; // a width below 1: fall back to the frame's range
            }
        }
    }

    private static Window rangeOf(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        return v.length == 0 ? Window.spanning(0, 1) : Window.spanning(min, max);
    }
}
