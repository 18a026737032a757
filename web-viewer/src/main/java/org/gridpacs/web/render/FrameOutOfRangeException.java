package org.gridpacs.web.render;

import java.io.IOException;

/** A frame number past the instance's Number of Frames (a 400: the request names a frame that is not there). */
public final class FrameOutOfRangeException extends IOException {
    private static final long serialVersionUID = 1L;

    public FrameOutOfRangeException(String message) {
        super(message);
    }
}
