package org.gridpacs.web.render;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.dicom.image.PixelDataException;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.HttpProblem;

/**
 * Renders an instance and sends the image, or refuses with the reason: 406 for what cannot be rendered (no Pixel
 * Data, a transfer syntax not decoded here: PS3.18 says the resource cannot be given as the media type asked for),
 * 400 for a frame or region that is not in the image. Shared by WADO-RS rendered/thumbnail and WADO-URI.
 */
public final class RenderedAnswer {
    private RenderedAnswer() {
    }

    /** The rendered image, or the refusal. */
    public static Renderer.Rendered render(Renderer renderer, IndexedInstance instance, RenderParameters params)
            throws HttpProblem, IOException {
        try {
            return renderer.render(instance, params);
        } catch (NotRenderableException e) {
            throw HttpProblem.notAcceptable("instance " + instance.sopInstanceUID() + " cannot be rendered as "
                    + params.format().mediaType() + ": " + e.getMessage());
        } catch (FrameOutOfRangeException e) {
            throw HttpProblem.badRequest(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        } catch (PixelDataException e) {
            if (e.unsupported()) {
                throw HttpProblem.notAcceptable("instance " + instance.sopInstanceUID() + " cannot be rendered as "
                        + params.format().mediaType() + ": " + e.getMessage());
            }
            throw new HttpProblem(500, "the pixel data of instance " + instance.sopInstanceUID()
                    + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** Sends {@code image} as the whole answer and completes the request. */
    public static void send(DicomWebRequest request, Renderer.Rendered image) {
        var response = request.response();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, image.format().mediaType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, image.bytes().length);
        response.write(true, ByteBuffer.wrap(image.bytes()), request.callback());
    }
}
