/* nonagency_methods.c: the county team's non-agency activities as data: their 排放類別, their
 * methods, each method's inputs and choices (nonagency.c computes their lines). */
#include <stdio.h>
#include <string.h>

#include "nonagency.h"

const char *const inv_category_labels[INV_CAT__MAX] = {
	"固定式能源", "交通運輸", "逸散", "工業製程", "農業", "林業及其他土地利用", "廢棄物",
};
const char *const inv_category_keys[INV_CAT__MAX] = {
	"stationary", "transport", "fugitive", "process", "agriculture", "landuse", "waste",
};

/* The choices are keys into the factor table (with the prefix of their method). */
const struct na_method na_methods[NA_METHODS] = {
	{ "elec_street", "街道照明與交通號誌用電", INV_STATIONARY, 2, "用電量", "度", NULL, NULL, 0, 0, { { 0 } }, 100000000000LL, 0 },
	{ "elec_water", "自來水供水設施用電", INV_STATIONARY, 2, "用電量", "度", NULL, NULL, 0, 0, { { 0 } }, 100000000000LL, 0 },
	{ "elec_waste", "廢棄物及污水處理設施用電", INV_STATIONARY, 2, "用電量", "度", NULL, NULL, 0, 0, { { 0 } }, 100000000000LL, 0 },
	{ "fuel_stationary", "供水及廢棄物處理設施燃料", INV_STATIONARY, 1, "用量", "立方公尺／公斤／公升", NULL, NULL, 0, 0,
	  { { "fuel", "燃料", 1, { { "natural_gas", "天然氣（立方公尺）" }, { "lpg", "液化石油氣（公斤）" },
				   { "generator_diesel", "柴油（公升）" } } } }, 10000000000LL, 0 },
	{ "fuel_mobile", "公務車輛及船舶燃料（未由機關填報者）", INV_TRANSPORT, 1, "用量", "公升", NULL, NULL, 0, 0,
	  { { "fuel", "燃料", 1, { { "vehicle_gasoline", "汽油（公升）" }, { "vehicle_diesel", "柴油（公升）" } } } }, 10000000000LL, 0 },
	{ "process", "政府所屬工業製程", INV_PROCESS, 1, "排放量", "公噸CO₂e", NULL, NULL, 0, 1, { { 0 } }, 100000000LL, 0 },
	{ "rice", "公有水稻田", INV_AGRICULTURE, 1, "面積", "公頃", "栽培日數", "日", 0, 0,
	  { { "sfw", "水分管理（SFw）", 1,
	      { { "continuously_flooded", "連續淹灌" }, { "intermittent_single_aeration", "間歇灌溉（單次曬田）" },
		{ "intermittent_multiple_aeration", "間歇灌溉（多次曬田）" }, { "regular_rainfed", "一般看天田" },
		{ "drought_prone", "易旱看天田" }, { "deep_water", "深水稻田" }, { "upland", "旱田" } } },
	    { "sfp", "栽培前水分狀態（SFp，可不填）", 0,
	      { { "not_flooded_lt180d", "栽培前未淹水少於 180 日" }, { "not_flooded_gt180d", "栽培前未淹水超過 180 日" },
		{ "flooded_gt30d", "栽培前淹水超過 30 日" } } },
	    { "cfoa", "有機添加物（SFo，可不填）", 0,
	      { { "straw_lt30d", "稻草，栽培前 30 日內施用" }, { "straw_gt30d", "稻草，栽培前超過 30 日施用" },
		{ "compost", "堆肥" }, { "farmyard_manure", "廄肥" }, { "green_manure", "綠肥" } } } }, 1000000LL, 366 },
	{ "enteric", "公有牲畜腸胃發酵", INV_AGRICULTURE, 1, "頭數", "頭", NULL, NULL, 0, 0,
	  { { "animal", "畜種", 1,
	      { { "dairy_cattle_asia", "乳牛" }, { "other_cattle_asia", "其他牛" }, { "buffalo", "水牛" },
		{ "swine_developing", "豬" }, { "goats", "山羊" }, { "sheep_developing", "綿羊" }, { "horses", "馬" },
		{ "mules_asses", "騾與驢" }, { "deer", "鹿" } } } }, 1000000000LL, 0 },
	{ "manure", "公有牲畜糞尿處理", INV_AGRICULTURE, 1, "頭數", "頭", NULL, NULL, 0, 0,
	  { { "factor", "畜種與年均溫", 1,
	      { { "swine_asia_20C", "豬，20°C" }, { "swine_asia_21C", "豬，21°C" }, { "swine_asia_22C", "豬，22°C" },
		{ "swine_asia_23C", "豬，23°C" }, { "swine_asia_24C", "豬，24°C" }, { "swine_asia_25C", "豬，25°C" },
		{ "swine_asia_26C", "豬，26°C" }, { "swine_asia_27C", "豬，27°C" }, { "swine_asia_ge28C", "豬，28°C 以上" },
		{ "dairy_cattle_asia_20C", "乳牛，20°C" }, { "dairy_cattle_asia_21C", "乳牛，21°C" },
		{ "dairy_cattle_asia_22C", "乳牛，22°C" }, { "dairy_cattle_asia_23C", "乳牛，23°C" },
		{ "dairy_cattle_asia_24C", "乳牛，24°C" }, { "dairy_cattle_asia_25C", "乳牛，25°C" },
		{ "dairy_cattle_asia_26C", "乳牛，26°C" }, { "dairy_cattle_asia_27C", "乳牛，27°C" },
		{ "dairy_cattle_asia_ge28C", "乳牛，28°C 以上" }, { "other_cattle_asia", "其他牛（各溫度）" },
		{ "buffalo_asia_ge14C", "水牛，14°C 以上" }, { "goats_developing_temperate_15_25C", "山羊，15–25°C" },
		{ "goats_developing_warm_gt25C", "山羊，25°C 以上" }, { "sheep_developing_temperate_15_25C", "綿羊，15–25°C" },
		{ "sheep_developing_warm_gt25C", "綿羊，25°C 以上" }, { "poultry_developing_temperate_15_25C", "家禽，15–25°C" },
		{ "poultry_developing_warm_gt25C", "家禽，25°C 以上" } } } }, 1000000000LL, 0 },
	{ "landuse", "林地及土地利用變化", INV_LANDUSE, 1, "面積", "公頃", "碳存量變化係數（吸收為負）", "公噸CO₂/公頃/年", 1, 1,
	  { { 0 } }, 10000000LL, 1000 },
	{ "landfill", "廢棄物掩埋", INV_WASTE, 1, "掩埋量", "公噸（濕重）", NULL, NULL, 0, 0,
	  { { "doc", "廢棄物種類（DOC）", 1,
	      { { "paper", "紙類" }, { "textiles", "纖維布料" }, { "food", "廚餘" }, { "wood", "木竹" },
		{ "garden", "庭園廢棄物" }, { "nappies", "尿布" }, { "rubber_leather", "橡膠皮革" } } },
	    { "mcf", "掩埋場型式（MCF）", 1,
	      { { "managed_anaerobic", "管理式厭氧" }, { "managed_semi_aerobic", "管理式半好氧" },
		{ "unmanaged_deep_ge5m", "非管理式深層（5 公尺以上）" }, { "unmanaged_shallow_lt5m", "非管理式淺層（未滿 5 公尺）" },
		{ "uncategorised", "未分類" } } },
	    { "ox", "覆土氧化（OX，可不填）", 0, { { "default", "一般（0）" }, { "covered", "以氧化性材料覆蓋（0.1）" } } } }, 1000000000LL, 0 },
	{ "compost", "堆肥", INV_WASTE, 1, "處理量", "公噸（濕重）", NULL, NULL, 0, 0, { { 0 } }, 1000000000LL, 0 },
	{ "incineration", "焚化", INV_WASTE, 1, "焚化量", "公噸（濕重）", "化石碳比例", "0 至 1", 0, 0, { { 0 } }, 1000000000LL, 1 },
	{ "septic", "化糞池", INV_WASTE, 1, "使用人日", "人日", NULL, NULL, 0, 0, { { 0 } }, 100000000000LL, 0 },
	{ "wastewater", "污水處理", INV_WASTE, 1, "處理 BOD 量", "公斤", NULL, NULL, 0, 0,
	  { { "system", "處理方式（MCF）", 1,
	      { { "sea_river_lake", "未處理排入海洋河川湖泊" }, { "stagnant_sewer", "停滯下水道" },
		{ "flowing_sewer", "流動下水道" }, { "aerobic_well_managed", "好氧處理（管理良好）" },
		{ "aerobic_overloaded", "好氧處理（超負荷）" }, { "anaerobic_digester", "厭氧消化槽" },
		{ "anaerobic_reactor", "厭氧反應槽" }, { "shallow_lagoon", "淺層氧化塘" }, { "deep_lagoon", "深層氧化塘" },
		{ "septic_system", "化糞池系統" } } } }, 100000000000LL, 0 },
};
const int na_nmethods = NA_METHODS;

const char *const na_method_keys[] = {
	"elec_street", "elec_water", "elec_waste", "fuel_stationary", "fuel_mobile", "process", "rice", "enteric", "manure",
	"landuse", "landfill", "compost", "incineration", "septic", "wastewater", NULL,
};
_Static_assert(sizeof(na_method_keys) / sizeof(na_method_keys[0]) == sizeof(na_methods) / sizeof(na_methods[0]) + 1,
	       "na_method_keys names every method of na_methods, in order (test_nonagency checks the order)");

const struct na_method *na_method_get(const char *key)
{
	for (int i = 0; key && i < na_nmethods; i++)
		if (!strcmp(na_methods[i].key, key))
			return &na_methods[i];
	return NULL;
}
