<?php

declare(strict_types=1);

namespace App\Http\Controllers;

use App\Models\Booking;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Log;

final class BookingController extends Controller
{
    private const MAX_GUESTS = 12;

    public function store(Request $request): JsonResponse
    {
        $data = $request->validate([
            'room_id' => ['required', 'integer', 'min:1'],
            'check_in' => ['required', 'date_format:Y-m-d', 'after_or_equal:today'],
            'check_out' => ['required', 'date_format:Y-m-d', 'after:check_in'],
            'guests' => ['required', 'integer', 'between:1,' . self::MAX_GUESTS],
        ]);

        $booking = Booking::create($data + ['reference' => strtoupper(bin2hex(random_bytes(4)))]);
        Log::info('booking created', ['id' => $booking->id, 'room' => $data['room_id']]);

        return response()->json($booking, 201);
    }

    public function show(int $id): JsonResponse
    {
        $booking = Booking::findOrFail($id);
        $nights = $booking->check_in->diffInDays($booking->check_out);
        return response()->json(['booking' => $booking, 'nights' => $nights, 'total' => $nights * 129.50]);
    }
}
