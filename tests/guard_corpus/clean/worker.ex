defmodule Acme.Mailer.Worker do
  @moduledoc """
  Sends queued notifications in batches. Retries with exponential backoff,
  starting at 500 ms and capped at 5 minutes.
  """
  use GenServer
  require Logger

  @batch_size 200
  @max_backoff_ms 300_000

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    schedule(0)
    {:ok, %{queue: Keyword.fetch!(opts, :queue), attempt: 0}}
  end

  @impl true
  def handle_info(:tick, %{queue: queue, attempt: attempt} = state) do
    case Acme.Queue.take(queue, @batch_size) do
      {:ok, []} ->
        schedule(1_000)
        {:noreply, %{state | attempt: 0}}

      {:ok, jobs} ->
        Enum.each(jobs, &deliver/1)
        schedule(0)
        {:noreply, %{state | attempt: 0}}

      {:error, reason} ->
        delay = min(500 * Integer.pow(2, attempt), @max_backoff_ms)
        Logger.warning("queue unavailable: #{inspect(reason)}; retrying in #{delay} ms")
        schedule(delay)
        {:noreply, %{state | attempt: attempt + 1}}
    end
  end

  defp deliver(%{template: template, to: user_id}), do: Acme.Notify.send(user_id, template)
  defp schedule(ms), do: Process.send_after(self(), :tick, ms)
end
