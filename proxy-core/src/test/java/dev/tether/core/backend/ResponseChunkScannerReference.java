package dev.tether.core.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.Locale;

/**
 * The byte-at-a-time {@link ResponseChunkScanner} as it was before it worked on whole lines (2026-11-22), kept as
 * the reference {@code ResponseChunkScannerEquivalenceTest} compares the faster one with.
 *
 * <p>Original description: looks at the raw response bytes before {@code HttpClientCodec} for chunk-size lines the decoder would read
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
 * <p>On a violation it fires a {@link ResponseChunkScanner.Refusal} and discards everything after. When the offending response's head
 * arrived in the same read, none of that response is passed on, so the exchange can still answer 502; otherwise the
 * bytes before the offending line go on first and the exchange must cut the client's transfer.
 */
final class ResponseChunkScannerReference extends ChannelInboundHandlerAdapter {


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
    private final StringBuilder line = new StringBuilder();
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
        for (int i = start; i < end && state != State.PASS_THROUGH; i++) {
            byte b = buf.getByte(i);
            switch (state) {
                case HEAD_START -> {
                    // The decoder skips control characters and whitespace before a status line.
                    if ((b & 0xff) > 0x20) {
                        headStart = i;
                        line.setLength(0);
                        line.append((char) (b & 0xff));
                        state = State.STATUS_LINE;
                    }
                }
                case BODY -> {
                    long take = Math.min(remaining, end - i);
                    remaining -= take;
                    i += (int) take - 1;
                    if (remaining == 0) {
                        state = State.HEAD_START;
                    }
                }
                case CHUNK_DATA -> {
                    long take = Math.min(remaining, end - i);
                    remaining -= take;
                    i += (int) take - 1;
                    if (remaining == 0) {
                        remaining = 2;
                        state = State.CHUNK_CRLF;
                    }
                }
                case CHUNK_CRLF -> {
                    if (--remaining == 0) {
                        line.setLength(0);
                        lineStart = i + 1;
                        state = State.CHUNK_SIZE;
                    }
                }
                default -> {
                    if (b != '\n') {
                        if (line.length() >= MAX_LINE) {
                            state = State.PASS_THROUGH;
                        } else {
                            line.append((char) (b & 0xff));
                        }
                        continue;
                    }
                    String problem = endOfLine();
                    if (problem != null) {
                        refuse(ctx, buf, start, headStart >= 0 ? headStart : lineStart, problem);
                        return;
                    }
                    if (state == State.CHUNK_SIZE) {
                        lineStart = i + 1;
                    } else if (state == State.HEAD_START) {
                        headStart = -1; // a whole response is done: a later refusal concerns the next one
                    }
                }
            }
        }
        ctx.fireChannelRead(buf);
    }

    /** A complete line (without its LF) is in {@code line}: act on it; a non-null result refuses the response. */
    private String endOfLine() {
        int n = line.length();
        if (n == 0 || line.charAt(n - 1) != '\r') {
            state = State.PASS_THROUGH; // bare LF: leave it to the decoder
            return null;
        }
        line.setLength(n - 1);
        String text = line.toString();
        line.setLength(0);
        switch (state) {
            case STATUS_LINE -> {
                status = statusOf(text);
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
                if (text.isEmpty()) {
                    endOfHead();
                } else {
                    header(text);
                }
            }
            case CHUNK_SIZE -> {
                return chunkSize(text);
            }
            case TRAILER -> {
                if (text.isEmpty()) {
                    state = State.HEAD_START;
                }
            }
            default -> state = State.PASS_THROUGH;
        }
        return null;
    }

    private String chunkSize(String text) {
        int digits = 0;
        while (digits < text.length() && Character.digit(text.charAt(digits), 16) >= 0) {
            digits++;
        }
        if (digits == 0) {
            return "a chunk size line does not start with a hex digit";
        }
        if (digits > 16) {
            return "a chunk size has more than 16 hex digits";
        }
        if (digits < text.length()) {
            char next = text.charAt(digits);
            if (next != ';' && next != ' ' && next != '\t') {
                return "a chunk size is followed by something other than an extension";
            }
        }
        long size = Long.parseUnsignedLong(text.substring(0, digits), 16);
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
    private static int statusOf(String text) {
        if (text.length() < 12 || !text.startsWith("HTTP/") || text.charAt(8) != ' ') {
            return -1;
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return text.length() == 12 || text.charAt(12) == ' ' ? code : -1;
    }

    private void header(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            state = State.PASS_THROUGH; // the decoder refuses it, or reads it in a way not ours to guess
            return;
        }
        String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1).trim();
        switch (name) {
            case "content-length" -> {
                lengthHeaders++;
                if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
                    framingUnclear = true;
                } else {
                    contentLength = Long.parseLong(value);
                }
            }
            case "transfer-encoding" -> {
                String v = value.toLowerCase(Locale.ROOT);
                if (chunked || !(v.equals("chunked") || v.endsWith(",chunked") || v.endsWith(", chunked"))) {
                    framingUnclear = true; // a body read until close, or one the decoder refuses
                }
                chunked = true;
            }
            default -> { }
        }
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
        ctx.fireChannelRead(new ResponseChunkScanner.Refusal(problem));
    }
}
