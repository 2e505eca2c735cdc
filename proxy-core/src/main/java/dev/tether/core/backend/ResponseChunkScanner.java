package dev.tether.core.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Looks at the raw response bytes before {@code HttpClientCodec} for chunk-size lines the decoder would read
 * leniently: it skips leading whitespace and accepts leading zeros without limit. A size line must start with a hex
 * digit, have 1 to 16 of them (at most 8 significant ones: the decoder reads sizes into an int), and go on with
 * nothing or a {@code ;} extension.
 *
 * <p>It follows the response framing itself: status line and headers, then a Content-Length body by counting or a
 * chunked body by its size lines, then the next response. A 1xx head is followed by the final head; a 204, a 304 or
 * the answer to a HEAD request ({@link #expectBodyless}) has no body. It stops looking (passes everything through)
 * wherever it cannot be sure to agree with the decoder: a head it cannot read, a line longer than 64 KiB, conflicting
 * framing (the decoder refuses it), a body read until close, or a 101 (a tunnel follows).
 *
 * <p>On a violation it fires a {@link Refusal} and discards everything after. When the offending response's head
 * arrived in the same read, none of that response is passed on, so the exchange can still answer 502; otherwise the
 * bytes before the offending line go on first and the exchange must cut the client's transfer.
 */
final class ResponseChunkScanner extends ChannelInboundHandlerAdapter {

    /** Travels through the decoder (which passes non-bytes on) to the exchange. */
    record Refusal(String message) {}

    private static final int MAX_LINE = 64 * 1024;
    private static final long MAX_CHUNK = Integer.MAX_VALUE;

    private enum State {
        HEAD_START,
        STATUS_LINE,
        HEADER_LINE,
        BODY,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_CRLF,
        TRAILER,
        PASS_THROUGH,
        REFUSED
    }

    private State state = State.HEAD_START;
    // The line being read, without its LF: whole lines are copied in with one bulk copy, not byte by byte.
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean bodylessRequest;
    private long remaining;
    private int status;
    private long contentLength;
    private int lengthHeaders;
    private boolean chunked;
    private boolean framingUnclear;

    /** The next response answers a HEAD request, so it has no body whatever its headers say. */
    void expectBodyless(boolean bodyless) {
        this.bodylessRequest = bodyless;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.REFUSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.PASS_THROUGH || !(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        int headStart = -1; // where the current response's head began, when it began in this buffer
        int lineStart = start; // where the current chunk-size line began within this buffer
        int i = start;
        while (i < end && state != State.PASS_THROUGH) {
            switch (state) {
                case HEAD_START -> {
                    // The decoder skips control characters and whitespace before a status line.
                    if ((buf.getByte(i) & 0xff) > 0x20) {
                        headStart = i;
                        lineLength = 0;
                        state = State.STATUS_LINE; // this byte is the line's first
                    } else {
                        i++;
                    }
                }
                case BODY -> {
                    long take = Math.min(remaining, end - i);
                    remaining -= take;
                    i += (int) take;
                    if (remaining == 0) {
                        state = State.HEAD_START;
                    }
                }
                case CHUNK_DATA -> {
                    long take = Math.min(remaining, end - i);
                    remaining -= take;
                    i += (int) take;
                    if (remaining == 0) {
                        remaining = 2;
                        state = State.CHUNK_CRLF;
                    }
                }
                case CHUNK_CRLF -> {
                    i++;
                    if (--remaining == 0) {
                        lineLength = 0;
                        lineStart = i;
                        state = State.CHUNK_SIZE;
                    }
                }
                default -> {
                    int lf = buf.indexOf(i, end, (byte) '\n');
                    int stop = lf < 0 ? end : lf;
                    if (lineLength + (stop - i) > MAX_LINE) {
                        state = State.PASS_THROUGH;
                        break;
                    }
                    appendLine(buf, i, stop - i);
                    if (lf < 0) {
                        i = end;
                        break;
                    }
                    i = lf + 1;
                    String problem = endOfLine();
                    if (problem != null) {
                        refuse(ctx, buf, start, headStart >= 0 ? headStart : lineStart, problem);
                        return;
                    }
                    if (state == State.CHUNK_SIZE) {
                        lineStart = i;
                    } else if (state == State.HEAD_START) {
                        headStart = -1; // a whole response is done: a later refusal concerns the next one
                    }
                }
            }
        }
        ctx.fireChannelRead(buf);
    }

    private void appendLine(ByteBuf buf, int from, int length) {
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + length, Math.min(2 * line.length, MAX_LINE)));
        }
        buf.getBytes(from, line, lineLength, length);
        lineLength += length;
    }

    /** A complete line (without its LF) is in {@code line}: act on it; a non-null result refuses the response. */
    private String endOfLine() {
        byte[] b = line;
        int n = lineLength;
        lineLength = 0;
        if (n == 0 || b[n - 1] != '\r') {
            state = State.PASS_THROUGH; // bare LF: leave it to the decoder
            return null;
        }
        n--;
        switch (state) {
            case STATUS_LINE -> {
                status = statusOf(b, n);
                if (status < 0) {
                    state = State.PASS_THROUGH; // the decoder refuses it, or it is not ours to judge
                    return null;
                }
                contentLength = -1;
                lengthHeaders = 0;
                chunked = false;
                framingUnclear = false;
                state = State.HEADER_LINE;
            }
            case HEADER_LINE -> {
                if (n == 0) {
                    endOfHead();
                } else {
                    header(b, n);
                }
            }
            case CHUNK_SIZE -> {
                return chunkSize(b, n);
            }
            case TRAILER -> {
                if (n == 0) {
                    state = State.HEAD_START;
                }
            }
            default -> state = State.PASS_THROUGH;
        }
        return null;
    }

    private String chunkSize(byte[] b, int n) {
        int digits = 0;
        while (digits < n && hexValue(b[digits]) >= 0) {
            digits++;
        }
        if (digits == 0) {
            return "a chunk size line does not start with a hex digit";
        }
        if (digits > 16) {
            return "a chunk size has more than 16 hex digits";
        }
        if (digits < n) {
            byte next = b[digits];
            if (next != ';' && next != ' ' && next != '\t') {
                return "a chunk size is followed by something other than an extension";
            }
        }
        long size = 0; // up to 16 hex digits: an unsigned 64-bit value, negative here when the top bit is set
        for (int k = 0; k < digits; k++) {
            size = size << 4 | hexValue(b[k]);
        }
        if (size < 0 || size > MAX_CHUNK) {
            return "a chunk is larger than " + MAX_CHUNK + " bytes";
        }
        if (size == 0) {
            state = State.TRAILER;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return null;
    }

    /** The status code of {@code HTTP/d.d NNN ...}, or -1. */
    private static int statusOf(byte[] b, int n) {
        if (n < 12 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/' || b[8] != ' ') {
            return -1;
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return n == 12 || b[12] == ' ' ? code : -1;
    }

    private void header(byte[] b, int n) {
        int colon = indexOf(b, 0, n, (byte) ':');
        if (colon <= 0) {
            state = State.PASS_THROUGH; // the decoder refuses it, or reads it in a way not ours to guess
            return;
        }
        // Name and value without surrounding whitespace and controls, as String.trim() leaves them.
        int nameFrom = 0;
        int nameTo = colon;
        while (nameFrom < nameTo && (b[nameFrom] & 0xff) <= ' ') {
            nameFrom++;
        }
        while (nameTo > nameFrom && (b[nameTo - 1] & 0xff) <= ' ') {
            nameTo--;
        }
        int from = colon + 1;
        int to = n;
        while (from < to && (b[from] & 0xff) <= ' ') {
            from++;
        }
        while (to > from && (b[to - 1] & 0xff) <= ' ') {
            to--;
        }
        if (equalsIgnoreCase(b, nameFrom, nameTo, CONTENT_LENGTH)) {
            lengthHeaders++;
            int length = to - from;
            boolean digits = length > 0 && length <= 18;
            long value = 0;
            for (int k = from; digits && k < to; k++) {
                digits = b[k] >= '0' && b[k] <= '9';
                value = value * 10 + (b[k] - '0');
            }
            if (digits) {
                contentLength = value;
            } else {
                framingUnclear = true;
            }
        } else if (equalsIgnoreCase(b, nameFrom, nameTo, TRANSFER_ENCODING)) {
            boolean endsInChunked = equalsIgnoreCase(b, from, to, CHUNKED)
                    || endsWithIgnoreCase(b, from, to, COMMA_CHUNKED)
                    || endsWithIgnoreCase(b, from, to, COMMA_SPACE_CHUNKED);
            if (chunked || !endsInChunked) {
                framingUnclear = true; // a body read until close, or one the decoder refuses
            }
            chunked = true;
        }
    }

    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] COMMA_CHUNKED = ascii(",chunked");
    private static final byte[] COMMA_SPACE_CHUNKED = ascii(", chunked");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code b[from, to)} is {@code lower}, ignoring ASCII case. */
    private static boolean equalsIgnoreCase(byte[] b, int from, int to, byte[] lower) {
        return to - from == lower.length && endsWithIgnoreCase(b, from, to, lower);
    }

    private static boolean endsWithIgnoreCase(byte[] b, int from, int to, byte[] lower) {
        int at = to - lower.length;
        if (at < from) {
            return false;
        }
        for (int k = 0; k < lower.length; k++) {
            byte c = b[at + k];
            if ((c >= 'A' && c <= 'Z' ? (byte) (c + ('a' - 'A')) : c) != lower[k]) {
                return false;
            }
        }
        return true;
    }

    private static int hexValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int k = from; k < to; k++) {
            if (b[k] == c) {
                return k;
            }
        }
        return -1;
    }

    private void endOfHead() {
        if (status == 101) {
            state = State.PASS_THROUGH; // a tunnel may follow
        } else if (status < 200) {
            state = State.HEAD_START; // an interim answer: the final head follows
        } else if (bodylessRequest || status == 204 || status == 304) {
            bodylessRequest = false;
            state = State.HEAD_START;
        } else if (framingUnclear || lengthHeaders > 1 || (chunked && lengthHeaders > 0)
                || (!chunked && lengthHeaders == 0)) {
            state = State.PASS_THROUGH; // refused by the decoder, or a body until close: nothing follows
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength > 0) {
            remaining = contentLength;
            state = State.BODY;
        } else {
            state = State.HEAD_START;
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf buf, int start, int passUpTo, String problem) {
        state = State.REFUSED;
        if (passUpTo > start) {
            ctx.fireChannelRead(buf.retainedSlice(start, passUpTo - start));
        }
        buf.release();
        ctx.fireChannelRead(new Refusal(problem));
    }
}
