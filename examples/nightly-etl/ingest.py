# Databricks notebook source
# Loads yesterday's orders from the landing zone into the bronze table.
dbutils.widgets.text("date", "")
date = dbutils.widgets.get("date")

orders = spark.read.json(f"/Volumes/main/landing/orders/{date}/")
orders.write.mode("overwrite").option("replaceWhere", f"order_date = '{date}'").saveAsTable("main.bronze.orders")
