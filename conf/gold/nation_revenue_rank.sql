-- gold.nation_revenue_rank: each year's customer nations ranked by revenue, built on the gold
-- model gold.revenue_by_nation_month (a model reading a model). It refreshes after that model,
-- and only for the years whose months changed.
SELECT
    order_year,
    nation,
    region,
    SUM(revenue)                                                   AS revenue,
    SUM(orders)                                                    AS orders,
    RANK() OVER (PARTITION BY order_year ORDER BY SUM(revenue) DESC) AS revenue_rank
FROM gold.revenue_by_nation_month
GROUP BY order_year, nation, region
