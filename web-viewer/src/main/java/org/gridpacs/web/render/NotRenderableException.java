package org.gridpacs.web.render;

import java.io.IOException;

/**
 * An instance that cannot be rendered into an image: no Pixel Data, a transfer syntax no decoder here handles, a
 * photometric interpretation not rendered. The message names the reason; it becomes a 406 (PS3.18 8.3.3.1: the
 * resource cannot be given in a media type the client accepts).
 */
public final class NotRenderableException extends IOException {
    private static final long serialVersionUID = 1L;

    public NotRenderableException(String message) {
        super(message);
    }
}
