package com.acme.etl

import java.time.{LocalDate, ZoneOffset}
import scala.concurrent.duration._

final case class Event(userId: Long, kind: String, at: Long, amountCents: Option[Long])

object Pipeline {
  val BatchSize: Int = 5000
  val Timeout: FiniteDuration = 90.seconds
  val Start: LocalDate = LocalDate.of(2024, 1, 1)

  def dailyRevenue(events: Seq[Event]): Map[LocalDate, Long] =
    events
      .filter(_.kind == "purchase")
      .groupBy(e => java.time.Instant.ofEpochMilli(e.at).atZone(ZoneOffset.UTC).toLocalDate)
      .view
      .mapValues(_.flatMap(_.amountCents).sum)
      .toMap

  def main(args: Array[String]): Unit = {
    val sample = Seq(
      Event(1001L, "purchase", 1704067200000L, Some(2599L)),
      Event(1002L, "view", 1704070800000L, None),
      Event(1001L, "purchase", 1704153600000L, Some(12000L))
    )
    dailyRevenue(sample).toSeq.sortBy(_._1.toEpochDay).foreach { case (day, cents) =>
      println(f"$day%s ${cents / 100.0}%.2f")
    }
  }
}
